/**
 * Device-bound sessions (DBSC): the session key each registered session proved, and its current
 * short-lived cookie (stored hashed). The previous cookie stays valid until its own expiry, so a
 * request already in flight during a refresh is not refused; neither outlives its expiry.
 */
import type { SqlRunner } from '../db/PortalDb.js';
import { hashToken, randomToken } from '../security/tokens.js';

export interface BoundSession {
  id: string;
  sessionHash: string;
  userId: string;
  deviceId: string | null;
  publicJwk: JsonWebKey;
  keyThumbprint: string;
  cookieExpiresAt: number;
  createdAt: number;
  refreshedAt: number;
  refreshCount: number;
  endedAt: number | null;
  endReason: string | null;
  /** Its refreshes have carried a signed posture statement (a Keybound daemon, migration 004). */
  postureSigned: boolean;
}

interface Row {
  id: string;
  session_hash: string;
  user_id: string;
  device_id: string | null;
  public_jwk: string;
  key_thumbprint: string;
  cookie_hash: string;
  cookie_expires_at: number;
  prev_cookie_hash: string | null;
  prev_cookie_expires_at: number | null;
  created_at: number;
  refreshed_at: number;
  refresh_count: number;
  ended_at: number | null;
  end_reason: string | null;
  posture_signed: number;
}

const toBound = (r: Row): BoundSession => ({
  id: r.id,
  sessionHash: r.session_hash,
  userId: r.user_id,
  deviceId: r.device_id,
  publicJwk: JSON.parse(r.public_jwk) as JsonWebKey,
  keyThumbprint: r.key_thumbprint,
  cookieExpiresAt: r.cookie_expires_at,
  createdAt: r.created_at,
  refreshedAt: r.refreshed_at,
  refreshCount: r.refresh_count,
  endedAt: r.ended_at,
  endReason: r.end_reason,
  postureSigned: r.posture_signed === 1,
});

/** Creates a bound session and its first cookie; returns the raw cookie value (never stored). */
export async function insertBoundSession(
  db: SqlRunner,
  input: {
    sessionHash: string;
    userId: string;
    deviceId: string | null;
    publicJwk: JsonWebKey;
    keyThumbprint: string;
    cookieTtlMs: number;
  },
  now: number,
): Promise<{ bound: BoundSession; cookie: string }> {
  const id = randomToken(18);
  const cookie = randomToken(32);
  await db.run(
    `INSERT INTO bound_sessions (id, session_hash, user_id, device_id, public_jwk, key_thumbprint, cookie_hash,
       cookie_expires_at, created_at, refreshed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      id,
      input.sessionHash,
      input.userId,
      input.deviceId,
      JSON.stringify(input.publicJwk),
      input.keyThumbprint,
      hashToken(cookie),
      now + input.cookieTtlMs,
      now,
      now,
    ],
  );
  return { bound: (await getBoundSession(db, id)) as BoundSession, cookie };
}

export async function getBoundSession(db: SqlRunner, id: string): Promise<BoundSession | undefined> {
  const row = await db.get<Row>('SELECT * FROM bound_sessions WHERE id = ?', [id]);
  return row && toBound(row);
}

/** The live (not ended) bound session of a portal session, if it registered one. */
export async function findBoundSessionFor(db: SqlRunner, sessionHash: string): Promise<BoundSession | undefined> {
  const row = await db.get<Row>(
    'SELECT * FROM bound_sessions WHERE session_hash = ? AND ended_at IS NULL ORDER BY created_at DESC, id',
    [sessionHash],
  );
  return row && toBound(row);
}

/** Live bound sessions whose key has this thumbprint (to name "another device's key"). */
export async function findBoundSessionsByThumbprint(db: SqlRunner, thumbprint: string): Promise<BoundSession[]> {
  return (await db.all<Row>('SELECT * FROM bound_sessions WHERE key_thumbprint = ?', [thumbprint])).map(toBound);
}

export async function listLiveBoundSessions(
  db: SqlRunner,
  filter: { deviceId?: string; userId?: string } = {},
): Promise<BoundSession[]> {
  // Each filter is optional: an absent one is '' and matches every row (ids are never empty).
  const rows = await db.all<Row>(
    `SELECT * FROM bound_sessions WHERE ended_at IS NULL
       AND (? = '' OR device_id = ?) AND (? = '' OR user_id = ?) ORDER BY created_at, id`,
    [filter.deviceId ?? '', filter.deviceId ?? '', filter.userId ?? '', filter.userId ?? ''],
  );
  return rows.map(toBound);
}

/** Is `rawCookie` a current cookie of `bound` (current, or previous until its own expiry)? */
export async function boundCookieValid(
  db: SqlRunner,
  boundId: string,
  rawCookie: string | undefined,
  now: number,
): Promise<boolean> {
  if (!rawCookie) return false;
  const hash = hashToken(rawCookie);
  const row = await db.get(
    `SELECT 1 FROM bound_sessions WHERE id = ? AND ended_at IS NULL AND (
       (cookie_hash = ? AND cookie_expires_at > ?) OR (prev_cookie_hash = ? AND prev_cookie_expires_at > ?))`,
    [boundId, hash, now, hash, now],
  );
  return row !== undefined;
}

/** Issues the next cookie after a verified refresh; returns its raw value. */
export async function rotateBoundCookie(db: SqlRunner, id: string, cookieTtlMs: number, now: number): Promise<string> {
  const cookie = randomToken(32);
  await db.run(
    `UPDATE bound_sessions SET prev_cookie_hash = cookie_hash, prev_cookie_expires_at = cookie_expires_at,
       cookie_hash = ?, cookie_expires_at = ?, refreshed_at = ?, refresh_count = refresh_count + 1 WHERE id = ?`,
    [hashToken(cookie), now + cookieTtlMs, now, id],
  );
  return cookie;
}

/** Ends a bound session (its cookies stop working at once); false if already ended. */
export async function endBoundSession(db: SqlRunner, id: string, reason: string, now: number): Promise<boolean> {
  const { changes } = await db.run(
    'UPDATE bound_sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL',
    [now, reason, id],
  );
  return changes === 1;
}

/** Records that this session's refreshes carry a signed posture statement (set once). */
export async function markPostureSigned(db: SqlRunner, id: string): Promise<void> {
  await db.run('UPDATE bound_sessions SET posture_signed = 1 WHERE id = ? AND posture_signed = 0', [id]);
}
