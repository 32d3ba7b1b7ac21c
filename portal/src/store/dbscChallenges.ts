/**
 * DBSC challenges: random, stored hashed, short-lived, consumed once. A consumed challenge is kept
 * (with `consumed_at`) until purged, so a second use is reported as a replay, not as a forgery.
 */
import type { SqlRunner } from '../db/PortalDb.js';
import { hashToken, randomToken } from '../security/tokens.js';

export type DbscChallengePurpose = 'registration' | 'refresh';

export type ConsumeResult =
  | { ok: true; sessionHash: string | null; boundId: string | null }
  | { ok: false; reason: 'unknown' | 'replayed' | 'expired' | 'mismatch' };

export async function issueDbscChallenge(
  db: SqlRunner,
  input: { purpose: DbscChallengePurpose; sessionHash?: string; boundId?: string; ttlMs: number },
  now: number,
): Promise<string> {
  const challenge = randomToken(32);
  await db.run(
    'INSERT INTO dbsc_challenges (challenge_hash, purpose, session_hash, bound_id, expires_at) VALUES (?, ?, ?, ?, ?)',
    [hashToken(challenge), input.purpose, input.sessionHash ?? null, input.boundId ?? null, now + input.ttlMs],
  );
  return challenge;
}

/**
 * Consumes `challenge` for `purpose` (and, for a refresh, for `boundId`). One conditional
 * UPDATE … RETURNING decides, on one instance or several sharing a database, so two uses cannot
 * both win; only a refusal reads the row again, to say why.
 */
export async function consumeDbscChallenge(
  db: SqlRunner,
  input: { challenge: string; purpose: DbscChallengePurpose; boundId?: string },
  now: number,
): Promise<ConsumeResult> {
  const hash = hashToken(input.challenge);
  const won = await db.get<{ session_hash: string | null; bound_id: string | null }>(
    `UPDATE dbsc_challenges SET consumed_at = ? WHERE challenge_hash = ? AND consumed_at IS NULL AND expires_at > ?
       AND purpose = ? AND (? = '' OR bound_id = ?) RETURNING session_hash, bound_id`,
    [now, hash, now, input.purpose, input.boundId ?? '', input.boundId ?? ''],
  );
  if (won) return { ok: true, sessionHash: won.session_hash, boundId: won.bound_id };
  const row = await db.get<{
    purpose: string;
    bound_id: string | null;
    expires_at: number;
    consumed_at: number | null;
  }>('SELECT purpose, bound_id, expires_at, consumed_at FROM dbsc_challenges WHERE challenge_hash = ?', [hash]);
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.purpose !== input.purpose) return { ok: false, reason: 'mismatch' };
  if (input.boundId !== undefined && row.bound_id !== input.boundId) return { ok: false, reason: 'mismatch' };
  if (row.consumed_at !== null) return { ok: false, reason: 'replayed' };
  return { ok: false, reason: 'expired' };
}

/** Challenges are kept an hour past expiry (to name replays), then purged. */
export async function purgeDbscChallenges(db: SqlRunner, now: number): Promise<void> {
  await db.run('DELETE FROM dbsc_challenges WHERE expires_at <= ?', [now - 60 * 60_000]);
}
