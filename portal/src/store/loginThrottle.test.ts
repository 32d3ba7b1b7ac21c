import { describe, expect, it } from 'vitest';
import { openUnitTestStore } from '../../../test/helpers/testStore.js';
import {
  clearFailures,
  FREE_FAILURES,
  MAX_BLOCK_MS,
  RESET_AFTER_MS,
  recordFailure,
  throttleKey,
  throttleWait,
} from './loginThrottle.js';

describe('login throttle', () => {
  it('should block with a growing, capped delay when failures continue', async () => {
    const db = await openUnitTestStore();
    const key = throttleKey('a@example.com', '127.0.0.1');
    let now = 0;
    for (let i = 0; i < FREE_FAILURES; i++) expect(await recordFailure(db, key, now++)).toBe(0);
    expect(await recordFailure(db, key, now)).toBe(1000);
    expect(await recordFailure(db, key, now)).toBe(2000);
    expect(await throttleWait(db, key, now)).toBe(2000);
    for (let i = 0; i < 30; i++) await recordFailure(db, key, now);
    expect(await throttleWait(db, key, now)).toBe(MAX_BLOCK_MS);
    // Never for good: after the block, attempts are allowed again.
    expect(await throttleWait(db, key, now + MAX_BLOCK_MS)).toBe(0);
    await db.close();
  });

  it('should forget failures when the account stays quiet or signs in', async () => {
    const db = await openUnitTestStore();
    const key = throttleKey('b@example.com', '::1');
    for (let i = 0; i <= FREE_FAILURES; i++) await recordFailure(db, key, 0);
    expect(await recordFailure(db, key, RESET_AFTER_MS + 1)).toBe(0);
    await clearFailures(db, key);
    expect(await throttleWait(db, key, RESET_AFTER_MS + 1)).toBe(0);
    await db.close();
  });

  it('should count every failure when several arrive at once', async () => {
    const db = await openUnitTestStore();
    const key = throttleKey('c@example.com', '10.0.0.1');
    // Failures landing on several instances at the same moment: none may be lost.
    await Promise.all(Array.from({ length: FREE_FAILURES + 3 }, () => recordFailure(db, key, 1000)));
    expect(await throttleWait(db, key, 1000)).toBe(4000);
    await db.close();
  });

  it('should keep accounts and addresses apart when keyed', async () => {
    expect(throttleKey('a@example.com', '1.1.1.1')).not.toBe(throttleKey('a@example.com', '2.2.2.2'));
  });
});
