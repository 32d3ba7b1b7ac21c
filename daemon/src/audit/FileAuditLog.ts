/**
 * The audit log: `audit.log` in the data dir, one JSON object per line, 0600, append-only.
 * Records pairings, registrations, sign-ins, approvals and denials — and never a secret: field
 * names that could carry one are dropped, and long values are cut, so a careless caller cannot
 * leak a key, signature, pairing secret or full challenge into the log.
 */
import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { faultPoint } from '../storage/faultPoint.js';
import { stateCorrupt } from '../storage/stateCorrupt.js';
import type { AuditEvent, AuditLog } from './AuditLog.js';

export const AUDIT_FILE = 'audit.log';

/** Field names that are never written, whatever the caller passes. */
const FORBIDDEN = /secret|key|signature|challenge|proof|token|password|pkcs8|private|totp/i;
/** Longer values are cut: no legitimate audit field (ids, origins, names) is this long. */
const MAX_VALUE_CHARS = 256;

type Fields = Record<string, string | number | boolean | null | undefined>;

export class FileAuditLog implements AuditLog {
  readonly path: string;
  /** Kept open (O_APPEND) so a write costs one write(2), not open + write + close. */
  private fd: number | undefined;
  /** Lines recorded during this turn of the event loop, written together right after it. */
  private pending = '';
  /** Set once the file cannot be opened or written: ceremonies are refused from then on. */
  private problem: Error | undefined;

  /**
   * Opens (creating) audit.log. A file that cannot be opened (a folder in its place, no
   * permission) does not stop the daemon: the log reports ERR_STATE_CORRUPT to whoever needs
   * it (assertWritable) and `onProblem` is told once.
   */
  constructor(
    dataDir: string,
    private readonly now: () => Date = () => new Date(),
    private readonly onProblem: (err: Error) => void = () => {},
  ) {
    this.path = join(dataDir, AUDIT_FILE);
    try {
      this.fd = openSync(this.path, 'a', 0o600);
      fchmodSync(this.fd, 0o600);
    } catch (cause) {
      this.fail(cause);
    }
  }

  assertWritable(): void {
    if (this.problem) throw this.problem;
  }

  private fail(cause: unknown): void {
    const code = (cause as { code?: string }).code ?? 'EIO';
    this.problem = stateCorrupt(
      this.path,
      `cannot be written (${code})`,
      'Free disk space, or move the damaged audit.log away (keep it if you need the record), then restart the daemon',
      { cause },
    );
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.onProblem(this.problem);
  }

  /**
   * Appends one line. The lines of one event-loop turn are written with one write(2) at its
   * end (setImmediate), i.e. just after the sign-in's answer went out rather than before it —
   * ~5–8 µs per line off the relay. No longer buffered than that: a later crash cannot lose it.
   */
  record(event: AuditEvent, fields: Fields = {}): void {
    if (this.fd === undefined) return;
    if (this.pending === '') setImmediate(() => this.flush());
    this.pending += `${JSON.stringify(auditLine(this.now(), event, fields))}\n`;
  }

  /** Writes the lines recorded so far (also run at the end of each event-loop turn that recorded any). */
  flush(): void {
    if (this.pending === '' || this.fd === undefined) return;
    const text = this.pending;
    this.pending = '';
    try {
      faultPoint('before audit write');
      writeSync(this.fd, text);
    } catch (cause) {
      // Runs from setImmediate: a throw here would end the daemon. Refuse ceremonies instead.
      this.fail(cause);
    }
  }

  /** Writes what is pending and closes the file; later records are dropped. Idempotent. */
  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** An audit log kept in memory, for tests. */
export class MemoryAuditLog implements AuditLog {
  readonly lines: Array<Record<string, unknown>> = [];
  record(event: AuditEvent, fields: Fields = {}): void {
    this.lines.push(auditLine(new Date(), event, fields));
  }
}

/** The line written for `event`: time, event, then the allowed fields. */
export function auditLine(at: Date, event: AuditEvent, fields: Fields): Record<string, unknown> {
  const line: Record<string, unknown> = { at: at.toISOString(), event };
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || FORBIDDEN.test(name) || name === 'at' || name === 'event') continue;
    line[name] =
      typeof value === 'string' && value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS)}…` : value;
  }
  return line;
}
