/**
 * Password guessing as a weapon (issue 9): concurrent guesses cannot outrun the throttle (each
 * attempt is reserved before its hash), rotating made-up emails cannot make one client force
 * unbounded scrypt work (per-client budget), and known and unknown emails are charged alike.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csrfOf } from '../../dev/CookieJarFetch.js';
import { DEFAULT_HASHING_BUDGET } from '../../portal/src/security/HashingBudget.js';
import { FREE_FAILURES } from '../../portal/src/store/loginThrottle.js';
import { addTestUser, enterEmail, startTestPortal, type TestPortal, type TestUser } from './helpers/portalTestKit.js';

describe('password guessing', () => {
  let kit: TestPortal;
  let user: TestUser;
  beforeEach(async () => {
    // A small per-client burst keeps the test short; the defaults are tested in HashingBudget.test.ts.
    kit = await startTestPortal({ hashing: { ...DEFAULT_HASHING_BUDGET, perClient: { burst: 8, perMinute: 8 } } });
    user = await addTestUser(kit, 'ada@example.com');
  });
  afterEach(async () => {
    await kit.close();
  });

  it('should not let 60 concurrent guesses on one session pass the throttle, the right one last', async () => {
    const client = kit.client();
    await enterEmail(client, user.email);
    const page = await client.request('/signin/password');
    const csrf = csrfOf(page.body);
    const guesses = Array.from({ length: 60 }, (_, i) => (i === 59 ? user.password : `wrong guess ${i}`));
    const answers = await Promise.all(
      guesses.map((password) => client.request('/signin/password', { form: { _csrf: csrf, password } })),
    );
    const checked = answers.filter((a) => a.status !== 429);
    // Only the free failures and the one that started the block were checked; the rest waited out.
    expect(checked.length).toBeLessThanOrEqual(FREE_FAILURES + 1);
    expect(kit.portal.ctx.hashing.stats.hashed).toBeLessThanOrEqual(FREE_FAILURES + 1);
    // The right password, arriving during the block, is refused like any guess.
    expect(answers[59]?.status).toBe(429);
    expect(answers.every((a) => !a.url.endsWith('/signin/finish'))).toBe(true);
  });

  it('should cap the hashes one client can force with made-up emails, and charge a known email alike', async () => {
    const burst = 8;
    const statuses: number[] = [];
    for (let i = 0; i < burst + 4; i++) {
      const client = kit.client();
      await enterEmail(client, `nobody${i}@example.com`);
      const page = await client.request('/signin/password');
      const res = await client.request('/signin/password', { form: { _csrf: csrfOf(page.body), password: 'x' } });
      statuses.push(res.status);
    }
    expect(kit.portal.ctx.hashing.stats.hashed).toBe(burst);
    expect(statuses.slice(0, burst).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(burst).every((s) => s === 429)).toBe(true);
    // A real email from the same exhausted client gets the same refusal: no oracle for which exist.
    const real = kit.client();
    await enterEmail(real, user.email);
    const page = await real.request('/signin/password');
    const res = await real.request('/signin/password', { form: { _csrf: csrfOf(page.body), password: user.password } });
    expect(res.status).toBe(429);
    expect(res.body).toContain('Too many sign-in attempts from your network');
    expect(kit.portal.ctx.hashing.stats.hashed).toBe(burst);
    // The budget refills with time: a minute later the real user gets in.
    kit.clock.advance(60_000);
    const later = kit.client();
    await enterEmail(later, user.email);
    const again = await later.request('/signin/password');
    const ok = await later.request('/signin/password', {
      form: { _csrf: csrfOf(again.body), password: user.password },
    });
    expect(ok.url).toBe(`${kit.origin}/signin/finish`);
  });
});
