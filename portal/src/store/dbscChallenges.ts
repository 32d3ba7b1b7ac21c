/**
 * DBSC challenges: random, stored hashed, short-lived, consumed once. A consumed challenge is kept
 * (with `consumed_at`) until purged, so a second use is reported as a replay, not as a forgery.
 */
import type { PortalDb } from '../db/openDatabase.js';
import { hashToken, randomToken } from '../security/tokens.js';

export type DbscChallengePurpose = 'registration' | 'refresh';

export type ConsumeResult =
  | { ok: true; sessionHash: string | null; boundId: string | null }
  | { ok: false; reason: 'unknown' | 'replayed' | 'expired' | 'mismatch' };

export function issueDbscChallenge(
  db: PortalDb,
  input: { purpose: DbscChallengePurpose; sessionHash?: string; boundId?: string; ttlMs: number },
  now: number,
): string {
  const challenge = randomToken(32);
  db.prepare(
    'INSERT INTO dbsc_challenges (challenge_hash, purpose, session_hash, bound_id, expires_at) VALUES (?, ?, ?, ?, ?)',
  ).run(hashToken(challenge), input.purpose, input.sessionHash ?? null, input.boundId ?? null, now + input.ttlMs);
  return challenge;
}

/**
 * Consumes `challenge` for `purpose` (and, for a refresh, for `boundId`). One conditional UPDATE
 * decides, so two concurrent uses cannot both win.
 */
export function consumeDbscChallenge(
  db: PortalDb,
  input: { challenge: string; purpose: DbscChallengePurpose; boundId?: string },
  now: number,
): ConsumeResult {
  const hash = hashToken(input.challenge);
  return db.transaction((): ConsumeResult => {
    const row = db.prepare('SELECT * FROM dbsc_challenges WHERE challenge_hash = ?').get(hash) as
      | {
          purpose: string;
          session_hash: string | null;
          bound_id: string | null;
          expires_at: number;
          consumed_at: number | null;
        }
      | undefined;
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.purpose !== input.purpose) return { ok: false, reason: 'mismatch' };
    if (input.boundId !== undefined && row.bound_id !== input.boundId) return { ok: false, reason: 'mismatch' };
    if (row.consumed_at !== null) return { ok: false, reason: 'replayed' };
    if (row.expires_at <= now) return { ok: false, reason: 'expired' };
    db.prepare('UPDATE dbsc_challenges SET consumed_at = ? WHERE challenge_hash = ? AND consumed_at IS NULL').run(
      now,
      hash,
    );
    return { ok: true, sessionHash: row.session_hash, boundId: row.bound_id };
  })();
}

/** Challenges are kept an hour past expiry (to name replays), then purged. */
export function purgeDbscChallenges(db: PortalDb, now: number): void {
  db.prepare('DELETE FROM dbsc_challenges WHERE expires_at <= ?').run(now - 60 * 60_000);
}
