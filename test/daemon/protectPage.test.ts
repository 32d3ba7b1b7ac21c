/**
 * The emulated Protect window served by the daemon: framing and caching headers, the one-time
 * token, POST-only decisions from the daemon's own origin, and the flows it completes (pairing,
 * registration with "Configured.", denial).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPaired, DaemonClient, newInstall, type TestInstall } from '../../dev/daemonClient.js';
import { sampleCreationOptions, sampleRequestOptions } from '../../dev/sampleOptions.js';
import type { ProtectRequestEvent } from '../../shared/protocol/index.js';
import { type HarnessDaemon, startHarnessDaemon } from '../helpers/daemonHarness.js';
import { httpRequest } from '../helpers/rawHttp.js';

let daemon: HarnessDaemon;
const own = () => `http://127.0.0.1:${daemon.port}`;

beforeAll(async () => {
  daemon = await startHarnessDaemon({ uv: 'protect' });
});
afterAll(async () => {
  await daemon?.stop();
});

/** Starts pairing a new install and returns the Protect request it raised. */
async function startPairing(): Promise<{
  client: DaemonClient;
  install: TestInstall;
  event: ProtectRequestEvent;
  pairing: Promise<unknown>;
}> {
  const install = newInstall();
  const client = await DaemonClient.connect(daemon.url);
  const hello = await client.hello(install);
  expect(hello).toMatchObject({ paired: false, pairingPreauthorized: false });
  const pairing = client.pair(install).catch((err: unknown) => err);
  const event = (await client.waitForEvent((e) => e.event === 'protect.request')) as ProtectRequestEvent;
  return { client, install, event, pairing };
}

function decide(
  event: ProtectRequestEvent,
  decision: 'approve' | 'deny',
  headers: Record<string, string> = {},
  token?: string,
) {
  const url = new URL(event.url);
  return httpRequest(daemon.port, {
    method: 'POST',
    path: `${url.pathname}/${decision}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: own(), ...headers },
    body: new URLSearchParams({ token: token ?? url.searchParams.get('token')! }).toString(),
  });
}

describe('Protect page', () => {
  it('should show the request with anti-framing, no-store headers and no CORS when the token is valid', async () => {
    const { client, event } = await startPairing();
    expect(event).toMatchObject({
      action: 'pair',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/protect\/[\w-]+\?token=[\w-]{43}$/),
    });
    const url = new URL(event.url);
    const page = await httpRequest(daemon.port, { path: url.pathname + url.search });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).not.toContain('script-src');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    expect(page.body).toContain(client.origin);
    expect(page.body).toContain('Approve');
    expect(page.body).not.toContain('<script');
    await client.close();
  });

  it('should refuse the page when the token is missing or wrong', async () => {
    const { client, event } = await startPairing();
    const url = new URL(event.url);
    expect((await httpRequest(daemon.port, { path: url.pathname })).status).toBe(404);
    expect((await httpRequest(daemon.port, { path: `${url.pathname}?token=${'A'.repeat(43)}` })).status).toBe(404);
    await client.close();
  });

  it('should not approve when the decision comes by GET', async () => {
    const { client, event } = await startPairing();
    const url = new URL(event.url);
    const res = await httpRequest(daemon.port, { path: `${url.pathname}/approve${url.search}` });
    expect(res.status).toBe(405);
    expect(daemon.protect.pending().map((p) => p.id)).toContain(event.protectId);
    await client.close();
  });

  it.each([
    ['a web page origin', { origin: 'https://evil.example' }],
    ['Origin: null', { origin: 'null' }],
    ['no Origin', { origin: '' }],
    ['another loopback port', { origin: 'http://127.0.0.1:1' }],
  ])('should refuse a POST with %s', async (_name, headers) => {
    const { client, event } = await startPairing();
    const res = await decide(event, 'approve', headers);
    expect(res.status).toBe(403);
    expect(daemon.protect.pending().map((p) => p.id)).toContain(event.protectId);
    await client.close();
  });

  it('should refuse a POST when the Host is not loopback', async () => {
    const { client, event } = await startPairing();
    const res = await decide(event, 'approve', {
      host: `evil.example:${daemon.port}`,
      origin: `http://evil.example:${daemon.port}`,
    });
    expect(res.status).toBe(403);
    expect(daemon.protect.pending().map((p) => p.id)).toContain(event.protectId);
    await client.close();
  });

  it('should pair when approved and refuse the token a second time', async () => {
    const { client, install, event, pairing } = await startPairing();
    const res = await decide(event, 'approve');
    expect(res.status).toBe(200);
    expect(res.body).toContain('Paired.');
    expect(await pairing).toMatchObject({ pairedAt: expect.any(String) });
    expect(await client.waitForEvent((e) => e.event === 'protect.done')).toMatchObject({ outcome: 'approved' });
    expect(await client.call('ping')).toEqual({ pong: true });
    expect((await decide(event, 'approve')).status).toBe(404);
    await client.close();
    // The pairing holds on a new connection: hello says paired and the proof is accepted.
    const again = await connectPaired(daemon.url, install);
    expect(await again.call('ping')).toEqual({ pong: true });
    await again.close();
  });

  it('should refuse pairing and close when Protect denies it', async () => {
    const { client, event, pairing } = await startPairing();
    const res = await decide(event, 'deny');
    expect(res.body).toContain('Denied.');
    expect(await pairing).toMatchObject({ code: 'ERR_PAIRING_DENIED' });
    expect((await client.closedWithin()).code).toBe(1008);
  });

  it('should show "Configured. You can return to the previous app." after an approved registration', async () => {
    const paired = await startPairing();
    await decide(paired.event, 'approve');
    await paired.pairing;
    const client = paired.client;
    const registering = client.request('register', {
      origin: 'http://localhost:3000',
      options: sampleCreationOptions(),
    });
    const event = (await client.waitForEvent(
      (e) => e.event === 'protect.request' && e.action === 'register',
    )) as ProtectRequestEvent;
    const page = await httpRequest(daemon.port, { path: new URL(event.url).pathname + new URL(event.url).search });
    expect(page.body).toContain('http://localhost:3000');
    const res = await decide(event, 'approve');
    expect(res.body).toContain('Configured. You can return to the previous app.');
    expect(await registering).toMatchObject({ ok: true });
    const denied = client.request('signIn', { origin: 'http://localhost:3000', options: sampleRequestOptions() });
    const signInEvent = (await client.waitForEvent(
      (e) => e.event === 'protect.request' && e.action === 'signIn',
    )) as ProtectRequestEvent;
    await decide(signInEvent, 'deny');
    expect(await denied).toMatchObject({ ok: false, error: { code: 'ERR_USER_DENIED' } });
    await client.close();
  });
});
