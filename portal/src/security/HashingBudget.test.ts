import { describe, expect, it } from 'vitest';
import { openUnitTestStore } from '../../../test/helpers/testStore.js';
import { HashingBudget } from './HashingBudget.js';

const options = {
  perClient: { burst: 3, perMinute: 3 },
  global: { burst: 5, perSecond: 1 },
  concurrency: 2,
  maxQueue: 2,
  maxClients: 2,
};

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('HashingBudget', () => {
  it('should refuse a client over its budget while another client still hashes', async () => {
    const now = 0;
    const budget = new HashingBudget(() => now, options);
    for (let i = 0; i < 3; i++) await (await budget.take('a')).run(async () => 1);
    await expect(budget.take('a')).rejects.toThrow(/from your network/);
    await expect((await budget.take('b')).run(async () => 2)).resolves.toBe(2);
    expect(budget.stats).toMatchObject({ hashed: 4, refusedClient: 1 });
  });

  it('should refuse everyone when the global budget is spent, and refill with time', async () => {
    let now = 0;
    const budget = new HashingBudget(() => now, { ...options, perClient: { burst: 100, perMinute: 100 } });
    for (let i = 0; i < 5; i++) await (await budget.take(`c${i}`)).run(async () => 0);
    await expect(budget.take('fresh')).rejects.toThrow(/portal is busy/);
    now += 1000;
    await expect((await budget.take('fresh')).run(async () => 'ok')).resolves.toBe('ok');
  });

  it('should run at most `concurrency` hashes at once and refuse beyond the queue', async () => {
    const budget = new HashingBudget(() => 0, { ...options, global: { burst: 100, perSecond: 100 } });
    const gate = deferred();
    let running = 0;
    let peak = 0;
    const hash = async () => {
      running++;
      peak = Math.max(peak, running);
      await gate.promise;
      running--;
    };
    const tickets = [];
    for (const c of ['a', 'b', 'c', 'd']) tickets.push(await budget.take(c));
    const runs = tickets.map((t) => t.run(hash));
    await expect(budget.take('e')).rejects.toThrow(/portal is busy/);
    gate.resolve();
    await Promise.all(runs);
    expect(peak).toBe(2);
  });

  it('should give the tokens back when a ticket is refunded', async () => {
    const budget = new HashingBudget(() => 0, options);
    for (let i = 0; i < 10; i++) (await budget.take('a')).refund();
    await expect(budget.take('a')).resolves.toBeDefined();
  });

  it('should share a client budget between two instances on one store, while each keeps its own global budget', async () => {
    const db = await openUnitTestStore();
    try {
      const a = new HashingBudget(() => 0, options, db);
      const b = new HashingBudget(() => 0, options, db);
      await (await a.take('10.0.0.1')).run(async () => 0);
      await (await b.take('10.0.0.1')).run(async () => 0);
      await (await a.take('10.0.0.1')).run(async () => 0);
      await expect(b.take('10.0.0.1')).rejects.toThrow(/from your network/);
      await expect(a.take('10.0.0.1')).rejects.toThrow(/from your network/);
      // Another client still has its whole budget on either instance.
      await expect(b.take('10.0.0.2')).resolves.toBeDefined();
    } finally {
      await db.close();
    }
  });
});
