import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newTestDatabase, type TestDatabase } from '../../../test/helpers/testStore.js';
import { openDatabase } from '../db/openDatabase.js';
import type { PortalDb } from '../db/PortalDb.js';
import { returnToken, takeToken } from './rateBudgets.js';

const KEY = new Uint8Array(32).fill(7);
const shape = { burst: 3, perMs: 1 / 1000 };

describe('rate budgets shared through the store', () => {
  let dir: string;
  let target: TestDatabase;
  let a: PortalDb;
  let b: PortalDb;
  beforeEach(async () => {
    dir = mkdtempSync(`${tmpdir()}/kb-budget-`);
    target = await newTestDatabase(dir);
    // Two connections to one store: two portal instances.
    a = await openDatabase(target.location, { atRestKey: KEY });
    b = await openDatabase(target.location, { atRestKey: KEY });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await target.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should refuse a client once its burst is used up across instances, and refill with time', async () => {
    expect(await takeToken(a, 'c1', shape, 1000)).toBe(true);
    expect(await takeToken(b, 'c1', shape, 1000)).toBe(true);
    expect(await takeToken(a, 'c1', shape, 1000)).toBe(true);
    expect(await takeToken(b, 'c1', shape, 1000)).toBe(false);
    expect(await takeToken(a, 'c2', shape, 1000)).toBe(true);
    // One token back after one second (perMs 1/1000), and only one.
    expect(await takeToken(b, 'c1', shape, 2000)).toBe(true);
    expect(await takeToken(a, 'c1', shape, 2000)).toBe(false);
  });

  it('should give back a returned token but never more than the burst', async () => {
    expect(await takeToken(a, 'c1', shape, 0)).toBe(true);
    await returnToken(b, 'c1', shape);
    await returnToken(b, 'c1', shape);
    for (let i = 0; i < 3; i++) expect(await takeToken(a, 'c1', shape, 0)).toBe(true);
    expect(await takeToken(a, 'c1', shape, 0)).toBe(false);
  });

  it('should refill nothing when the clock goes back', async () => {
    for (let i = 0; i < 3; i++) expect(await takeToken(a, 'c1', shape, 10_000)).toBe(true);
    expect(await takeToken(b, 'c1', shape, 1_000)).toBe(false);
  });

  it('should let exactly the burst through when instances take at the same moment', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => takeToken(i % 2 ? a : b, 'race', shape, 5000)),
    );
    expect(results.filter(Boolean)).toHaveLength(3);
  });
});
