/**
 * Attack tests against a real daemon (done-when #3): each asserts the refusal AND that the daemon
 * still serves a good, paired client afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectPaired,
  DaemonClient,
  newInstall,
  TEST_EXTENSION_ORIGIN,
  type TestInstall,
} from '../../dev/daemonClient.js';
import { MAX_MESSAGE_BYTES, MAX_PENDING_PER_CONNECTION } from '../../shared/protocol/version.js';
import { type HarnessDaemon, startHarnessDaemon } from '../helpers/daemonHarness.js';
import { rawRequest, statusOf, upgradeRequest } from '../helpers/rawHttp.js';

let daemon: HarnessDaemon;
let install: TestInstall;

beforeAll(async () => {
  // --uv protect: nothing is approved unless a test approves it (the flood test relies on it).
  daemon = await startHarnessDaemon({ uv: 'protect', preauthorizePairing: true });
  install = newInstall();
  const first = await connectPaired(daemon, install);
  await first.close();
});
afterAll(async () => {
  await daemon?.stop();
});

/** The daemon still serves a paired extension: a new connection authenticates and answers ping. */
async function expectStillServing(): Promise<void> {
  const client = await connectPaired(daemon, install);
  expect(await client.call('ping')).toEqual({ pong: true });
  await client.close();
}

describe('upgrade refusals (no WebSocket is opened)', () => {
  const host = () => `Host: 127.0.0.1:${daemon.port}`;
  it.each([
    ['a web page origin', () => [host(), 'Origin: https://evil.example']],
    ['no Origin', () => [host()]],
    ['Origin: null', () => [host(), 'Origin: null']],
    ['a wrong Host (DNS rebinding)', () => [`Host: evil.example:${daemon.port}`, `Origin: ${TEST_EXTENSION_ORIGIN}`]],
    ['a duplicated Host', () => [host(), 'Host: evil.example', `Origin: ${TEST_EXTENSION_ORIGIN}`]],
    ['an extension that is not allow-listed', () => [host(), `Origin: chrome-extension://${'a'.repeat(32)}`]],
  ])('should refuse the upgrade when it carries %s', async (_name, headers) => {
    const response = await rawRequest(daemon.port, upgradeRequest(headers()));
    expect(statusOf(response)).toBe(403);
    expect(response).not.toMatch(/Access-Control-Allow-Origin/i);
    await expectStillServing();
  });

  it('should refuse plain HTTP with a rebinding Host', async () => {
    const response = await rawRequest(
      daemon.port,
      `GET / HTTP/1.1\r\nHost: evil.example:${daemon.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(statusOf(response)).toBe(403);
    await expectStillServing();
  });
});

describe('handshake attacks', () => {
  it('should refuse and close when an allowed extension origin has no pairing secret', async () => {
    const client = await DaemonClient.connect(daemon.url);
    const hello = await client.hello(install);
    expect(hello.paired).toBe(true);
    const forged = await client.request('auth', { proof: 'A'.repeat(43) });
    expect(forged).toMatchObject({ ok: false, error: { code: 'ERR_PAIRING_PROOF_INVALID' } });
    expect((await client.closedWithin()).code).toBe(1008);
    await expectStillServing();
  });

  it('should refuse a request before the handshake', async () => {
    const client = await DaemonClient.connect(daemon.url);
    expect(await client.request('status')).toMatchObject({ ok: false, error: { code: 'ERR_HANDSHAKE_REQUIRED' } });
    await client.hello(install);
    expect(await client.request('ping')).toMatchObject({ ok: false, error: { code: 'ERR_HANDSHAKE_REQUIRED' } });
    await client.close();
    await expectStillServing();
  });

  it('should refuse a pairing proof replayed on another connection', async () => {
    const a = await DaemonClient.connect(daemon.url);
    await a.hello(install);
    const recorded = await a.proof(install);
    expect(await a.request('auth', { proof: recorded })).toMatchObject({ ok: true });
    await a.close();
    const b = await DaemonClient.connect(daemon.url);
    await b.hello(install);
    expect(await b.request('auth', { proof: recorded })).toMatchObject({
      ok: false,
      error: { code: 'ERR_PAIRING_PROOF_INVALID' },
    });
    await expectStillServing();
  });

  it('should refuse a second auth with the same nonce on one connection', async () => {
    const client = await DaemonClient.connect(daemon.url);
    await client.hello(install);
    const proof = await client.proof(install);
    expect(await client.request('auth', { proof })).toMatchObject({ ok: true });
    expect(await client.request('auth', { proof })).toMatchObject({
      ok: false,
      error: { code: 'ERR_INVALID_MESSAGE' },
    });
    await client.close();
    await expectStillServing();
  });

  it('should not let a forged extension origin silently replace an existing pairing', async () => {
    const client = await DaemonClient.connect(daemon.url);
    expect(await client.hello(install)).toMatchObject({ paired: true, pairingPreauthorized: false });
    const attempt = client.pair({ installId: install.installId }).catch((err: { code?: string }) => err.code);
    // Pre-authorisation covers first pairings only: re-pairing waits for the user in Protect.
    const event = await client.waitForEvent((e) => e.event === 'protect.request');
    expect(event).toMatchObject({ action: 'pair' });
    daemon.protect.decide(event.protectId, 'deny');
    expect(await attempt).toBe('ERR_PAIRING_DENIED');
    await expectStillServing();
  });

  it('should refuse an unsupported protocol version', async () => {
    const client = await DaemonClient.connect(daemon.url);
    await expect(client.hello(install, [99])).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_VERSION' });
    await client.closedWithin();
    await expectStillServing();
  });
});

describe('message attacks', () => {
  it('should close the connection when a frame is larger than the limit', async () => {
    const client = await connectPaired(daemon, install);
    client.ws.send('x'.repeat(MAX_MESSAGE_BYTES + 1));
    expect((await client.closedWithin()).code).toBe(1009);
    await expectStillServing();
  });

  it('should answer ERR_MALFORMED_JSON when a message is not JSON', async () => {
    const client = await connectPaired(daemon, install);
    expect(await client.sendRaw('{"type":"ping",')).toMatchObject({ ok: false, error: { code: 'ERR_MALFORMED_JSON' } });
    expect(await client.sendRaw(Buffer.from([0xff, 0xfe, 0x00]))).toMatchObject({
      ok: false,
      error: { code: 'ERR_MALFORMED_JSON' },
    });
    expect(await client.call('ping')).toEqual({ pong: true });
    await client.close();
    await expectStillServing();
  });

  it.each([
    ['an unknown type', { type: 'format-disk', id: 'x1' }, 'x1'],
    ['an extra key', { type: 'ping', id: 'x2', extra: true }, 'x2'],
    ['a missing id', { type: 'ping' }, '-'],
    ['a wrong field type', { type: 'settings.set', id: 'x3', deviceSignIn: 'yes' }, 'x3'],
    ['an array', [1, 2, 3], '-'],
    ['a prototype-polluting key', JSON.parse('{"type":"ping","id":"x4","__proto__":{"admin":true}}'), 'x4'],
  ])('should answer ERR_INVALID_MESSAGE when a message has %s', async (_name, msg, id) => {
    const client = await connectPaired(daemon, install);
    expect(await client.sendRaw(JSON.stringify(msg), id)).toMatchObject({
      ok: false,
      error: { code: 'ERR_INVALID_MESSAGE' },
    });
    expect(await client.call('ping')).toEqual({ pong: true });
    await client.close();
    await expectStillServing();
  });

  it('should refuse requests beyond the per-connection pending bound', async () => {
    const client = await connectPaired(daemon, install);
    const options = {
      rp: { id: 'localhost', name: 'Portal' },
      user: { id: 'dXNlcg', name: 'a@acme.test', displayName: 'A' },
      challenge: 'c'.repeat(43),
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    };
    // Each register waits for Protect (--uv protect), so they stay pending.
    for (let i = 0; i < MAX_PENDING_PER_CONNECTION; i++) {
      void client.request('register', { origin: 'http://localhost:3000', options });
    }
    await expect.poll(() => daemon.protect.pending().length).toBe(MAX_PENDING_PER_CONNECTION);
    const refused = await client.request('ping');
    expect(refused).toMatchObject({ ok: false, error: { code: 'ERR_TOO_MANY_PENDING' } });
    await expectStillServing();
    // Closing the connection cancels its pending Protect requests.
    await client.close();
    await expect.poll(() => daemon.protect.pending().length).toBe(0);
  });
});
