/**
 * The emulated Protect window served by the daemon: framing and caching headers, the one-time
 * token, POST-only decisions from the daemon's own origin, and the flows it completes (pairing,
 * registration with "Configured.", denial).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlCall } from '../../daemon/src/control/controlClient.js';
import { connectPaired, newInstall, TEST_EXTENSION_ORIGIN, type TestInstall } from '../../dev/daemonClient.js';
import { sampleCreationOptions, sampleRequestOptions } from '../../dev/sampleOptions.js';
import type { ProtectRequestEvent } from '../../shared/protocol/index.js';
import { fromBase64url } from '../../shared/webauthn/base64url.js';
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

/** A Protect request as the native host sees it: its id and the window URL with the token. */
interface PromptSeen {
  protectId: string;
  url: string;
}

/**
 * Starts pairing a new install the way the native host does (control socket, browser-vouched
 * origin); the approval URL arrives there, never on a WebSocket.
 */
async function startPairing(): Promise<{ install: TestInstall; event: PromptSeen; pairing: Promise<unknown> }> {
  const install = newInstall();
  let seen!: (e: PromptSeen) => void;
  const prompted = new Promise<PromptSeen>((r) => {
    seen = r;
  });
  const pairing = controlCall(
    daemon.dataDir,
    { op: 'native.pair', extensionOrigin: TEST_EXTENSION_ORIGIN, installId: install.installId },
    60_000,
    (e) => seen({ protectId: new URL(e.url).pathname.split('/')[2]!, url: e.url }),
  ).then(
    (r) => {
      install.secret = fromBase64url((r as { secret: string }).secret);
      return r;
    },
    (err: unknown) => err,
  );
  return { install, event: await prompted, pairing };
}

/** The approval URL of a request raised on an authenticated connection, as the extension's native host fetches it. */
async function promptOf(event: ProtectRequestEvent): Promise<PromptSeen> {
  const { url } = (await controlCall(daemon.dataDir, {
    op: 'protect.url',
    protectId: event.protectId,
    extensionOrigin: TEST_EXTENSION_ORIGIN,
  })) as { url: string };
  return { protectId: event.protectId, url };
}

function decide(event: PromptSeen, decision: 'approve' | 'deny', headers: Record<string, string> = {}, token?: string) {
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
    const { event, pairing } = await startPairing();
    expect(event).toMatchObject({
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
    expect(page.body).toContain(TEST_EXTENSION_ORIGIN);
    expect(page.body).toContain('Approve');
    expect(page.body).not.toContain('<script');
    await decide(event, 'deny');
    await pairing;
  });

  it('should refuse the page when the token is missing or wrong', async () => {
    const { event, pairing } = await startPairing();
    const url = new URL(event.url);
    expect((await httpRequest(daemon.port, { path: url.pathname })).status).toBe(404);
    expect((await httpRequest(daemon.port, { path: `${url.pathname}?token=${'A'.repeat(43)}` })).status).toBe(404);
    await decide(event, 'deny');
    await pairing;
  });

  it('should not approve when the decision comes by GET', async () => {
    const { event, pairing } = await startPairing();
    const url = new URL(event.url);
    const res = await httpRequest(daemon.port, { path: `${url.pathname}/approve${url.search}` });
    expect(res.status).toBe(405);
    expect(daemon.protect.pending().map((p) => p.id)).toContain(event.protectId);
    await decide(event, 'deny');
    await pairing;
  });

  it.each([
    ['a web page origin', { origin: 'https://evil.example' }],
    ['Origin: null', { origin: 'null' }],
    ['no Origin', { origin: '' }],
    ['another loopback port', { origin: 'http://127.0.0.1:1' }],
  ])('should refuse a POST with %s', async (_name, headers) => {
    const { event, pairing } = await startPairing();
    const res = await decide(event, 'approve', headers);
    expect(res.status).toBe(403);
    expect(daemon.protect.pending().map((p) => p.id)).toContain(event.protectId);
    await decide(event, 'deny');
    await pairing;
  });

  it('should refuse a POST when the Host is not loopback', async () => {
    const { event, pairing } = await startPairing();
    const res = await decide(event, 'approve', {
      host: `evil.example:${daemon.port}`,
      origin: `http://evil.example:${daemon.port}`,
    });
    expect(res.status).toBe(403);
    expect(daemon.protect.pending().map((p) => p.id)).toContain(event.protectId);
    await decide(event, 'deny');
    await pairing;
  });

  it('should pair when approved and refuse the token a second time', async () => {
    const { install, event, pairing } = await startPairing();
    const res = await decide(event, 'approve');
    expect(res.status).toBe(200);
    expect(res.body).toContain('Paired.');
    expect(await pairing).toMatchObject({ pairedAt: expect.any(String), secret: expect.any(String) });
    expect((await decide(event, 'approve')).status).toBe(404);
    // The pairing holds on a new connection: the upgrade proof is accepted.
    const again = await connectPaired(daemon, install);
    expect(await again.call('ping')).toEqual({ pong: true });
    await again.close();
  });

  it('should refuse pairing and close when Protect denies it', async () => {
    const { event, pairing } = await startPairing();
    const res = await decide(event, 'deny');
    expect(res.body).toContain('Denied.');
    expect(await pairing).toMatchObject({ code: 'ERR_PAIRING_DENIED' });
  });

  it('should show "Configured. You can return to the previous app." after an approved registration', async () => {
    const paired = await startPairing();
    await decide(paired.event, 'approve');
    await paired.pairing;
    const client = await connectPaired(daemon, paired.install);
    const registering = client.request('register', {
      origin: 'http://localhost:3000',
      options: sampleCreationOptions(),
    });
    const event = await promptOf(
      (await client.waitForEvent(
        (e) => e.event === 'protect.request' && e.action === 'register',
      )) as ProtectRequestEvent,
    );
    const page = await httpRequest(daemon.port, { path: new URL(event.url).pathname + new URL(event.url).search });
    expect(page.body).toContain('http://localhost:3000');
    const res = await decide(event, 'approve');
    expect(res.body).toContain('Configured. You can return to the previous app.');
    expect(await registering).toMatchObject({ ok: true });
    const denied = client.request('signIn', { origin: 'http://localhost:3000', options: sampleRequestOptions() });
    const signInEvent = await promptOf(
      (await client.waitForEvent((e) => e.event === 'protect.request' && e.action === 'signIn')) as ProtectRequestEvent,
    );
    await decide(signInEvent, 'deny');
    expect(await denied).toMatchObject({ ok: false, error: { code: 'ERR_USER_DENIED' } });
    await client.close();
  });
});
