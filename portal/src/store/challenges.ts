/**
 * WebAuthn challenges: random 32 bytes, stored hashed with their purpose, the user and the session
 * that asked, expiring in minutes, consumed once (`isValid = !consumed && !expired`, the
 * oidc-provider model).
 */
import type { PortalDb } from '../db/openDatabase.js';
import { hashToken, randomToken } from '../security/tokens.js';

export type ChallengePurpose = 'registration' | 'authentication';

export const CHALLENGE_TTL_MS = 5 * 60_000;

export interface IssuedChallenge {
  challenge: string;
  expiresAt: number;
}

export function issueChallenge(
  db: PortalDb,
  input: { purpose: ChallengePurpose; userId: string | null; sessionHash: string },
  now: number,
): IssuedChallenge {
  const challenge = randomToken(32);
  const expiresAt = now + CHALLENGE_TTL_MS;
  db.prepare(
    'INSERT INTO challenges (challenge_hash, purpose, user_id, session_hash, expires_at) VALUES (?, ?, ?, ?, ?)',
  ).run(hashToken(challenge), input.purpose, input.userId, input.sessionHash, expiresAt);
  return { challenge, expiresAt };
}

/**
 * Consumes a challenge for `purpose` and `sessionHash`. One UPDATE … WHERE consumed = 0 decides,
 * so two concurrent uses cannot both win. Returns the user it was issued for, or null if the
 * challenge is unknown, expired, already used, or belongs to another purpose or session.
 */
export function consumeChallenge(
  db: PortalDb,
  input: { challenge: string; purpose: ChallengePurpose; sessionHash: string },
  now: number,
): { userId: string | null } | null {
  const hash = hashToken(input.challenge);
  return db.transaction(() => {
    const changed = db
      .prepare(
        'UPDATE challenges SET consumed = 1 WHERE challenge_hash = ? AND consumed = 0 AND expires_at > ? AND purpose = ? AND session_hash = ?',
      )
      .run(hash, now, input.purpose, input.sessionHash).changes;
    if (changed !== 1) return null;
    const row = db.prepare('SELECT user_id FROM challenges WHERE challenge_hash = ?').get(hash) as {
      user_id: string | null;
    };
    return { userId: row.user_id };
  })();
}
