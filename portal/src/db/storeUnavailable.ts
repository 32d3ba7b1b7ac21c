import { PortalError } from '../../../shared/errors.js';

/**
 * The one error a request gets when the database cannot be reached (PostgreSQL down, network cut,
 * pool exhausted past its wait): HTTP 503 with a sentence, never a half-done change — every
 * multi-statement change runs in a transaction that the server rolls back when the link drops.
 */
export function storeUnavailable(cause: unknown): PortalError {
  return new PortalError(
    'ERR_STORE_UNAVAILABLE',
    'The portal cannot reach its database right now. Nothing was changed; try again in a moment.',
    { cause },
  );
}

/**
 * A write the disk had no room for (SQLITE_FULL, ENOSPC): the same 503 as an unreachable store —
 * the statement was rolled back, so nothing changed — with a sentence that names the cause.
 */
export function storeFull(cause: unknown): PortalError {
  return new PortalError(
    'ERR_STORE_UNAVAILABLE',
    'The portal cannot write to its database right now: its disk is full. Nothing was changed; try again once the administrator has freed space.',
    { cause },
  );
}

/** Connection-level failures of node-postgres (as opposed to SQL errors such as a constraint). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOENT', // a Unix socket that is gone
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

/** True when `err` says the database is unreachable rather than that a statement was wrong. */
export function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/i.test(
    err.message,
  );
}
