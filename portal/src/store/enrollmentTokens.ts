/** Enrollment tokens: single-use, expiring, stored hashed; an admin hands one to a device. */
import type { SqlRunner } from '../db/PortalDb.js';
import { hashToken, randomToken } from '../security/tokens.js';

export const ENROLLMENT_TOKEN_TTL_MS = 24 * 60 * 60_000;

export async function createEnrollmentToken(
  db: SqlRunner,
  orgId: string,
  now: number,
  ttlMs = ENROLLMENT_TOKEN_TTL_MS,
): Promise<{ token: string; expiresAt: number }> {
  const token = `kbe_${randomToken(32)}`;
  const expiresAt = now + ttlMs;
  await db.run('INSERT INTO enrollment_tokens (token_hash, org_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [
    hashToken(token),
    orgId,
    now,
    expiresAt,
  ]);
  return { token, expiresAt };
}

/**
 * Consumes a token for `deviceId` in one UPDATE … WHERE used_at IS NULL … RETURNING (race-free,
 * across instances too). Returns the organisation it belongs to, or null if the token is unknown,
 * used or expired.
 */
export async function consumeEnrollmentToken(
  db: SqlRunner,
  token: string,
  deviceId: string,
  now: number,
): Promise<string | null> {
  const row = await db.get<{ org_id: string }>(
    'UPDATE enrollment_tokens SET used_at = ?, device_id = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING org_id',
    [now, deviceId, hashToken(token), now],
  );
  return row?.org_id ?? null;
}

/** True when a token exists, is unused and unexpired (checked, not spent: a TPM activation comes first). */
export async function enrollmentTokenUsable(db: SqlRunner, token: string, now: number): Promise<boolean> {
  const row = await db.get<{ one: number }>(
    'SELECT 1 AS one FROM enrollment_tokens WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?',
    [hashToken(token), now],
  );
  return row !== undefined;
}
