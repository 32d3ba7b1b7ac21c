/**
 * The client's address behind a load balancer: the per-client hashing budget and the audit log
 * use the TCP peer, unless that peer is a balancer named with --trust-proxy — then its
 * X-Forwarded-For names the client. A client that writes X-Forwarded-For itself, to a portal that
 * trusts no proxy, changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { csrfOf } from '../../dev/CookieJarFetch.js';
import { DEFAULT_HASHING_BUDGET } from '../../portal/src/security/HashingBudget.js';
import { enterEmail, startTestPortal, type TestPortal } from './helpers/portalTestKit.js';

const hashing = { ...DEFAULT_HASHING_BUDGET, perClient: { burst: 3, perMinute: 3 } };

/** One wrong password for a made-up email (no account throttle), as `forwardedFor`. */
async function guess(kit: TestPortal, i: number, forwardedFor: string): Promise<number> {
  const client = kit.client();
  await enterEmail(client, `nobody${i}@example.com`);
  const page = await client.request('/signin/password');
  const res = await client.request('/signin/password', {
    form: { _csrf: csrfOf(page.body), password: 'wrong' },
    headers: { 'x-forwarded-for': forwardedFor },
  });
  return res.status;
}

describe('client address behind a load balancer', () => {
  let kit: TestPortal | undefined;
  afterEach(async () => {
    await kit?.close();
    kit = undefined;
  });

  it('should ignore X-Forwarded-For when no proxy is trusted, so a client cannot escape its budget by writing it', async () => {
    kit = await startTestPortal({ hashing });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await guess(kit, i, `203.0.113.${i + 1}`));
    statuses.push(await guess(kit, 3, '203.0.113.99'));
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('should give each client behind a trusted balancer its own budget and audit its real address', async () => {
    kit = await startTestPortal({ hashing, trustProxy: ['loopback'] });
    const first = [];
    for (let i = 0; i < 4; i++) first.push(await guess(kit, i, '203.0.113.1'));
    expect(first).toEqual([401, 401, 401, 429]);
    expect(await guess(kit, 4, '203.0.113.2')).toBe(401);
    const rows = await kit.portal.db.all<{ details: string }>(
      "SELECT details FROM audit WHERE event = 'signin.failure' ORDER BY id",
    );
    expect(rows.map((r) => (JSON.parse(r.details) as { ip?: string }).ip)).toContain('203.0.113.2');
  });

  it('should refuse to start with a --trust-proxy value that is not an address, a range or a name', async () => {
    await expect(startTestPortal({ trustProxy: ['not-an-address'] })).rejects.toThrow(
      /--trust-proxy: .*not-an-address/,
    );
  });
});
