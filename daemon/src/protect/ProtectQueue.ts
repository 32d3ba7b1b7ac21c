/**
 * The Protect queue: the daemon's {@link UserVerifier}. Each request waits (bounded by a timeout)
 * for the user to approve or deny it in a Protect front-end — the emulated page served by the
 * daemon, or `keybound protect approve|deny`. `--uv auto` approves at once (tests and benchmarks
 * only), `--uv deny` refuses at once.
 *
 * Every pending request has a random id and a one-time token: the page needs the token to show
 * the request and consumes it on the approving or denying POST; the CLI is authenticated by the
 * control socket's file permissions and acts by id.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { KeyboundError, ProtectError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/node/createLogger.js';
import type { ProtectDoneEvent } from '../../../shared/protocol/index.js';
import { PROTECT_TIMEOUT_MS } from '../../../shared/protocol/version.js';
import type { AuditLog } from '../audit/AuditLog.js';
import type { ProtectEventSink } from './ProtectEventSink.js';
import type { UserVerifier, VerificationRequest, VerifiedHandle } from './UserVerifier.js';

export type UvMode = 'protect' | 'auto' | 'deny';

/** How a request ended, as the page and the CLI report it. */
export type ProtectOutcome =
  | { state: 'completed'; ok: true }
  | { state: 'completed'; ok: false; code: string; message: string }
  | { state: 'approved' }
  | { state: 'denied' }
  | { state: 'timeout' }
  | { state: 'cancelled' };

/** A pending request as the page and `keybound protect pending` show it (no token). */
export interface PendingView {
  id: string;
  action: VerificationRequest['action'];
  origin: string;
  rpId?: string;
  userName?: string;
  browser: string;
  createdAt: string;
  expiresAt: string;
}

interface Entry {
  view: PendingView;
  token: Buffer;
  requestId: string;
  sink: ProtectEventSink | undefined;
  /** The extension origin of the connection that asked (from its sink), if any. */
  requester: string | undefined;
  timer: NodeJS.Timeout;
  resolve: (handle: VerifiedHandle) => void;
  reject: (err: Error) => void;
  finished: Promise<ProtectOutcome>;
  finish: (outcome: ProtectOutcome) => void;
}

/** Pending requests across all connections; beyond this the daemon refuses new ones. */
const MAX_PENDING_TOTAL = 256;
/** How long an approved request may take to report completion before the page stops waiting. */
const COMPLETION_GRACE_MS = 30_000;

export interface ProtectQueueOptions {
  mode: UvMode;
  timeoutMs?: number;
  /** The daemon's own origin (`http://127.0.0.1:PORT`), known once it listens. */
  origin: () => string;
  logger: Logger;
  audit?: AuditLog;
  clock?: () => Date;
}

export class ProtectQueue implements UserVerifier {
  readonly mode: UvMode;
  private readonly entries = new Map<string, Entry>();
  private readonly timeoutMs: number;
  private readonly clock: () => Date;

  constructor(private readonly options: ProtectQueueOptions) {
    this.mode = options.mode;
    this.timeoutMs = options.timeoutMs ?? PROTECT_TIMEOUT_MS;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Waits for the user's decision; rejects with ERR_USER_DENIED or ERR_USER_VERIFICATION_TIMEOUT. */
  async verify(request: VerificationRequest): Promise<VerifiedHandle> {
    const fields = { action: request.action, origin: request.origin, rpId: request.rpId };
    if (this.mode === 'auto') {
      // Debug, not warn: the loud warning is printed once at start (daemon.uv_auto) and the audit
      // line below records every approval; a log write per sign-in cost ~9 µs of the relay.
      this.options.logger.debug(
        { event: 'protect.auto_approved', ...fields },
        'user verification auto-approved (--uv auto)',
      );
      this.options.audit?.record('protect.approved', { ...fields, via: 'auto' });
      return { complete: () => {} };
    }
    if (this.mode === 'deny') {
      this.options.audit?.record('protect.denied', { ...fields, via: 'deny' });
      throw new ProtectError('ERR_USER_DENIED', 'User verification was denied (the daemon runs with --uv deny).');
    }
    if (request.signal?.aborted) throw cancelled();
    if (this.entries.size >= MAX_PENDING_TOTAL) {
      throw new KeyboundError('ERR_TOO_MANY_PENDING', 'Too many requests are waiting for Protect. Try again later.');
    }
    return this.enqueue(request);
  }

  private enqueue(request: VerificationRequest): Promise<VerifiedHandle> {
    const id = randomBytes(16).toString('base64url');
    const token = randomBytes(32);
    const now = this.clock();
    const view: PendingView = {
      id,
      action: request.action,
      origin: request.origin,
      browser: request.browser,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.timeoutMs).toISOString(),
      ...(request.rpId === undefined ? {} : { rpId: request.rpId }),
      ...(request.userName === undefined ? {} : { userName: request.userName }),
    };
    let finish!: (outcome: ProtectOutcome) => void;
    const finished = new Promise<ProtectOutcome>((r) => {
      finish = r;
    });
    return new Promise<VerifiedHandle>((resolve, reject) => {
      const timer = setTimeout(() => this.end(id, { state: 'timeout' }), this.timeoutMs);
      timer.unref();
      const entry: Entry = {
        view,
        token,
        requestId: request.requestId,
        sink: request.events,
        requester: request.events?.extensionOrigin,
        timer,
        resolve,
        reject,
        finished,
        finish,
      };
      this.entries.set(id, entry);
      request.signal?.addEventListener('abort', () => this.end(id, { state: 'cancelled' }), { once: true });
      this.options.logger.info({ event: 'protect.pending', protectId: id, action: view.action }, 'waiting for Protect');
      entry.sink?.send({
        type: 'event',
        event: 'protect.request',
        requestId: request.requestId,
        protectId: id,
        action: view.action,
      });
    });
  }

  /**
   * The approval URL (with its one-time token) of a pending request, for the native host of the
   * extension that asked — never sent on the WebSocket (decision 0040). Undefined otherwise.
   */
  approvalUrl(id: string, extensionOrigin: string): string | undefined {
    const entry = this.entries.get(id);
    if (!entry || entry.requester === undefined || entry.requester !== extensionOrigin) return undefined;
    return `${this.options.origin()}/protect/${id}?token=${entry.token.toString('base64url')}`;
  }

  /** Pending requests, oldest first (for the CLI). */
  pending(): PendingView[] {
    return [...this.entries.values()].map((e) => e.view);
  }

  /** The request behind a page URL, if the token is valid and unused. Does not consume it. */
  lookup(id: string, token: string): PendingView | undefined {
    const entry = this.entries.get(id);
    return entry && tokenMatches(entry.token, token) ? entry.view : undefined;
  }

  /**
   * Approves or denies a pending request. With `token` (the page) the token must match and is
   * consumed; without (the CLI, authenticated by the control socket) the id suffices.
   * Returns a promise of the final outcome, or undefined when no such request is pending.
   */
  decide(id: string, decision: 'approve' | 'deny', token?: string): Promise<ProtectOutcome> | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (token !== undefined && !tokenMatches(entry.token, token)) return undefined;
    this.end(id, decision === 'approve' ? { state: 'approved' } : { state: 'denied' });
    return entry.finished;
  }

  /** Ends every pending request (daemon shutdown). */
  close(): void {
    for (const id of [...this.entries.keys()]) this.end(id, { state: 'cancelled' });
  }

  /** Ends a pending request as decided, or as nobody answered, or as abandoned. */
  private end(id: string, outcome: { state: 'approved' | 'denied' | 'timeout' | 'cancelled' }): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    clearTimeout(entry.timer);
    const { action, origin, rpId } = entry.view;
    const fields = { protectId: id, action, origin, rpId };
    if (outcome.state === 'approved') {
      this.options.audit?.record('protect.approved', fields);
      this.options.logger.info({ event: 'protect.approved', protectId: id, action }, 'Protect approved');
      entry.resolve(this.handleFor(entry));
      return;
    }
    if (outcome.state === 'denied') {
      this.options.audit?.record('protect.denied', fields);
      entry.reject(new ProtectError('ERR_USER_DENIED', 'The request was denied in Protect.'));
    } else if (outcome.state === 'timeout') {
      this.options.audit?.record('protect.timeout', fields);
      entry.reject(new ProtectError('ERR_USER_VERIFICATION_TIMEOUT', 'Protect was not answered in time. Try again.'));
    } else {
      entry.reject(cancelled());
    }
    this.options.logger.info({ event: `protect.${outcome.state}`, protectId: id, action }, 'Protect request ended');
    this.sendDone(entry, outcome.state);
    entry.finish(outcome);
  }

  private handleFor(entry: Entry): VerifiedHandle {
    let done = false;
    const grace = setTimeout(() => settle({ state: 'approved' }), COMPLETION_GRACE_MS);
    grace.unref();
    const settle = (outcome: ProtectOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(grace);
      this.sendDone(entry, 'approved');
      entry.finish(outcome);
    };
    return {
      complete: (result) =>
        settle(
          result.ok
            ? { state: 'completed', ok: true }
            : { state: 'completed', ok: false, code: result.code, message: result.message },
        ),
    };
  }

  private sendDone(entry: Entry, outcome: ProtectDoneEvent['outcome']): void {
    try {
      entry.sink?.send({
        type: 'event',
        event: 'protect.done',
        requestId: entry.requestId,
        protectId: entry.view.id,
        outcome,
      });
    } catch {
      // The connection may be gone; the result path reports the outcome anyway.
    }
  }
}

function cancelled(): KeyboundError {
  return new KeyboundError('ERR_EXTENSION_UNAVAILABLE', 'The browser connection closed before Protect answered.');
}

function tokenMatches(expected: Buffer, given: string): boolean {
  if (!/^[A-Za-z0-9_-]{43}$/.test(given)) return false;
  const bytes = Buffer.from(given, 'base64url');
  return bytes.length === expected.length && timingSafeEqual(bytes, expected);
}
