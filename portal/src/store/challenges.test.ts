import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUnitTestStore } from '../../../test/helpers/testStore.js';
import type { PortalDb } from '../db/PortalDb.js';
import { CHALLENGE_TTL_MS, consumeChallenge, issueChallenge } from './challenges.js';

describe('challenges', () => {
  let db: PortalDb;
  beforeAll(async () => {
    db = await openUnitTestStore();
  });
  afterAll(() => db.close());
  const base = { purpose: 'authentication' as const, sessionHash: 's1' };

  it('should be consumed exactly once when used', async () => {
    const { challenge } = await issueChallenge(db, { ...base, userId: 'u1' }, 1000);
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await consumeChallenge(db, { ...base, challenge }, 1001)).toEqual({ userId: 'u1' });
    expect(await consumeChallenge(db, { ...base, challenge }, 1002)).toBeNull();
  });

  it('should be refused when expired, for another purpose or from another session', async () => {
    const a = (await issueChallenge(db, { ...base, userId: null }, 0)).challenge;
    expect(await consumeChallenge(db, { ...base, challenge: a }, CHALLENGE_TTL_MS)).toBeNull();
    const b = (await issueChallenge(db, { ...base, userId: null }, 0)).challenge;
    expect(await consumeChallenge(db, { purpose: 'registration', sessionHash: 's1', challenge: b }, 1)).toBeNull();
    expect(await consumeChallenge(db, { ...base, sessionHash: 's2', challenge: b }, 1)).toBeNull();
    expect(await consumeChallenge(db, { ...base, challenge: 'never-issued' }, 1)).toBeNull();
  });

  it('should store only a hash of the challenge', async () => {
    const { challenge } = await issueChallenge(db, { ...base, userId: null }, 0);
    const rows = await db.all<{ challenge_hash: string }>('SELECT challenge_hash FROM challenges');
    expect(rows.some((r) => r.challenge_hash === challenge)).toBe(false);
  });
});
