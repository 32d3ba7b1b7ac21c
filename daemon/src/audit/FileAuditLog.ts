/**
 * The audit log: `audit.log` in the data dir, one JSON object per line, 0600, append-only.
 * Records pairings, registrations, sign-ins, approvals and denials — and never a secret: field
 * names that could carry one are dropped, and long values are cut, so a careless caller cannot
 * leak a key, signature, pairing secret or full challenge into the log.
 */
import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEvent, AuditLog } from '../authenticator/types.js';

export const AUDIT_FILE = 'audit.log';

/** Field names that are never written, whatever the caller passes. */
const FORBIDDEN = /secret|key|signature|challenge|proof|token|password|pkcs8|private|totp/i;
/** Longer values are cut: no legitimate audit field (ids, origins, names) is this long. */
const MAX_VALUE_CHARS = 256;

type Fields = Record<string, string | number | boolean | null | undefined>;

export class FileAuditLog implements AuditLog {
  readonly path: string;
  /** Kept open (O_APPEND) so a record costs one write, not open + write + close. */
  private fd: number | undefined;

  constructor(
    dataDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.path = join(dataDir, AUDIT_FILE);
    this.fd = openSync(this.path, 'a', 0o600);
    fchmodSync(this.fd, 0o600);
  }

  /** Appends one line synchronously: one write(2) per line, so a crash never loses a recorded event to a buffer. */
  record(event: AuditEvent, fields: Fields = {}): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(auditLine(this.now(), event, fields))}\n`);
  }

  /** Closes the file; later records are dropped. Idempotent. */
  close(): void {
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
