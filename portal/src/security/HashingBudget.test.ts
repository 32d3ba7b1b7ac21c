import { describe, expect, it } from 'vitest';
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
    for (let i = 0; i < 3; i++) await budget.take('a').run(async () => 1);
    expect(() => budget.take('a')).toThrow(/from your network/);
    await expect(budget.take('b').run(async () => 2)).resolves.toBe(2);
    expect(budget.stats).toMatchObject({ hashed: 4, refusedClient: 1 });
  });

  it('should refuse everyone when the global budget is spent, and refill with time', async () => {
    let now = 0;
    const budget = new HashingBudget(() => now, { ...options, perClient: { burst: 100, perMinute: 100 } });
    for (let i = 0; i < 5; i++) await budget.take(`c${i}`).run(async () => 0);
    expect(() => budget.take('fresh')).toThrow(/portal is busy/);
    now += 1000;
    await expect(budget.take('fresh').run(async () => 'ok')).resolves.toBe('ok');
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
    const runs = ['a', 'b', 'c', 'd'].map((c) => budget.take(c).run(hash));
    expect(() => budget.take('e')).toThrow(/portal is busy/);
    gate.resolve();
    await Promise.all(runs);
    expect(peak).toBe(2);
  });

  it('should give the tokens back when a ticket is refunded', () => {
    const budget = new HashingBudget(() => 0, options);
    for (let i = 0; i < 10; i++) budget.take('a').refund();
    expect(() => budget.take('a')).not.toThrow();
  });
});
