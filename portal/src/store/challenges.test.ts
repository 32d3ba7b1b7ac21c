import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/openDatabase.js';
import { CHALLENGE_TTL_MS, consumeChallenge, issueChallenge } from './challenges.js';

describe('challenges', () => {
  const db = openDatabase(':memory:');
  const base = { purpose: 'authentication' as const, sessionHash: 's1' };

  it('should be consumed exactly once when used', () => {
    const { challenge } = issueChallenge(db, { ...base, userId: 'u1' }, 1000);
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(consumeChallenge(db, { ...base, challenge }, 1001)).toEqual({ userId: 'u1' });
    expect(consumeChallenge(db, { ...base, challenge }, 1002)).toBeNull();
  });

  it('should be refused when expired, for another purpose or from another session', () => {
    const a = issueChallenge(db, { ...base, userId: null }, 0).challenge;
    expect(consumeChallenge(db, { ...base, challenge: a }, CHALLENGE_TTL_MS)).toBeNull();
    const b = issueChallenge(db, { ...base, userId: null }, 0).challenge;
    expect(consumeChallenge(db, { purpose: 'registration', sessionHash: 's1', challenge: b }, 1)).toBeNull();
    expect(consumeChallenge(db, { ...base, sessionHash: 's2', challenge: b }, 1)).toBeNull();
    expect(consumeChallenge(db, { ...base, challenge: 'never-issued' }, 1)).toBeNull();
  });

  it('should store only a hash of the challenge', () => {
    const { challenge } = issueChallenge(db, { ...base, userId: null }, 0);
    const rows = db.prepare('SELECT challenge_hash FROM challenges').all() as { challenge_hash: string }[];
    expect(rows.some((r) => r.challenge_hash === challenge)).toBe(false);
  });
});
