/**
 * WebAuthn challenges: random 32 bytes, stored hashed with their purpose, the user and the session
 * that asked, expiring in minutes, consumed once (`isValid = !consumed && !expired`, the
 * oidc-provider model).
 */
import type { SqlRunner } from '../db/PortalDb.js';
import { hashToken, randomToken } from '../security/tokens.js';

export type ChallengePurpose = 'registration' | 'authentication';

export const CHALLENGE_TTL_MS = 5 * 60_000;

export interface IssuedChallenge {
  challenge: string;
  expiresAt: number;
}

export async function issueChallenge(
  db: SqlRunner,
  input: { purpose: ChallengePurpose; userId: string | null; sessionHash: string },
  now: number,
): Promise<IssuedChallenge> {
  const challenge = randomToken(32);
  const expiresAt = now + CHALLENGE_TTL_MS;
  await db.run(
    'INSERT INTO challenges (challenge_hash, purpose, user_id, session_hash, expires_at) VALUES (?, ?, ?, ?, ?)',
    [hashToken(challenge), input.purpose, input.userId, input.sessionHash, expiresAt],
  );
  return { challenge, expiresAt };
}

/**
 * Consumes a challenge for `purpose` and `sessionHash`. One DELETE … RETURNING decides, on one
 * instance or on several sharing a database, so two uses cannot both win (no read-then-write).
 * Returns the user it was issued for, or null if the challenge is unknown, expired, already used,
 * or belongs to another purpose or session.
 */
export async function consumeChallenge(
  db: SqlRunner,
  input: { challenge: string; purpose: ChallengePurpose; sessionHash: string },
  now: number,
): Promise<{ userId: string | null } | null> {
  const row = await db.get<{ user_id: string | null }>(
    'DELETE FROM challenges WHERE challenge_hash = ? AND consumed = 0 AND expires_at > ? AND purpose = ? AND session_hash = ? RETURNING user_id',
    [hashToken(input.challenge), now, input.purpose, input.sessionHash],
  );
  return row ? { userId: row.user_id } : null;
}
