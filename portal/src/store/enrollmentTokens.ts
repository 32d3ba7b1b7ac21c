/** Enrollment tokens: single-use, expiring, stored hashed; an admin hands one to a device. */
import type { PortalDb } from '../db/openDatabase.js';
import { hashToken, randomToken } from '../security/tokens.js';

export const ENROLLMENT_TOKEN_TTL_MS = 24 * 60 * 60_000;

export function createEnrollmentToken(db: PortalDb, orgId: string, now: number, ttlMs = ENROLLMENT_TOKEN_TTL_MS) {
  const token = `kbe_${randomToken(32)}`;
  const expiresAt = now + ttlMs;
  db.prepare('INSERT INTO enrollment_tokens (token_hash, org_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(
    hashToken(token),
    orgId,
    now,
    expiresAt,
  );
  return { token, expiresAt };
}

/**
 * Consumes a token for `deviceId` in one UPDATE … WHERE used_at IS NULL (race-free). Returns the
 * organisation it belongs to, or null if the token is unknown, used or expired.
 */
export function consumeEnrollmentToken(db: PortalDb, token: string, deviceId: string, now: number): string | null {
  const hash = hashToken(token);
  const changed = db
    .prepare(
      'UPDATE enrollment_tokens SET used_at = ?, device_id = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?',
    )
    .run(now, deviceId, hash, now).changes;
  if (changed !== 1) return null;
  return (db.prepare('SELECT org_id FROM enrollment_tokens WHERE token_hash = ?').get(hash) as { org_id: string })
    .org_id;
}
