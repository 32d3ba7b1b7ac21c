import { describe, expect, it } from 'vitest';
import { RateLimiter } from './RateLimiter.js';

describe('RateLimiter', () => {
  it('should allow a burst up to capacity and refuse beyond it', () => {
    const now = 0;
    const limiter = new RateLimiter(3, 1, () => now);
    expect([limiter.take(), limiter.take(), limiter.take(), limiter.take()]).toEqual([true, true, true, false]);
  });

  it('should refill at the given rate when time passes', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 10, () => now);
    limiter.take();
    limiter.take();
    expect(limiter.take()).toBe(false);
    now += 100; // one token at 10 per second
    expect(limiter.take()).toBe(true);
    expect(limiter.take()).toBe(false);
  });
});
