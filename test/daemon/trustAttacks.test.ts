/**
 * Issue 8's attacks, as a local process of any OS account would run them with only the port and
 * a forged `Origin: chrome-extension://<our id>`, against a running daemon in the strictest and
 * in the pre-authorised configuration (decision 0040). The attacker must obtain no pairing, no
 * approval capability and no assertion, and must not lock the real extension out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { controlCall } from '../../daemon/src/control/controlClient.js';
import {
  connectPaired,
  DaemonClient,
  newInstall,
  startNativePairing,
  TEST_EXTENSION_ORIGIN,
  type TestInstall,
  upgradeProtocols,
} from '../../dev/daemonClient.js';
import { sampleCreationOptions, sampleRequestOptions } from '../../dev/sampleOptions.js';
import { computeUpgradeProof, createPairingKeyPair, WS_SUBPROTOCOL } from '../../shared/protocol/index.js';
import { type HarnessDaemon, startHarnessDaemon } from '../helpers/daemonHarness.js';
import { httpRequest } from '../helpers/rawHttp.js';

/** Opens a WebSocket with `protocols` and reports the upgrade's HTTP status (101 when accepted). */
function upgradeStatus(url: string, protocols: string[]): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url}/v1`, protocols, { origin: TEST_EXTENSION_ORIGIN });
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(0));
  });
}

describe.each([
  ['strictest (Protect, nothing pre-authorised)', false],
  ['pre-authorised pairing (IT policy, as npm start sets it)', true],
])('attacks on a daemon, %s', (_name, preauthorizePairing) => {
  let daemon: HarnessDaemon;

  beforeAll(async () => {
    daemon = await startHarnessDaemon({ uv: 'protect', preauthorizePairing, protectTimeoutMs: 60_000, eligible: true });
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  /** Pairs as the real extension does: through its native host; in the strictest mode the user approves in Protect. */
  async function pairLikeTheExtension(install: TestInstall): Promise<void> {
    const started = startNativePairing(daemon.dataDir, install);
    if (!preauthorizePairing) daemon.protect.decide((await started.prompt).protectId, 'approve');
    expect(await started.pairing).toMatchObject({ secret: expect.any(String) });
  }

  it('a forged Origin pairs only through a Protect prompt whose approval capability it never sees', async () => {
    const attacker = await DaemonClient.connect(daemon.url);
    const install = newInstall();
    expect(await attacker.hello(install)).toMatchObject({ paired: false, pairingPreauthorized: false });
    const pairing = attacker.pair(install).catch((err: { code?: string }) => err.code);
    const event = await attacker.waitForEvent((e) => e.event === 'protect.request');
    // Pending, not granted — even where IT pre-authorised the extension id.
    expect(daemon.protect.pending().map((p) => p.id)).toEqual([event.protectId]);
    expect(JSON.stringify(attacker.received)).not.toMatch(/token|\/protect\//);
    // Guessing is all that is left: the page refuses without the token.
    const guess = await httpRequest(daemon.port, {
      method: 'POST',
      path: `/protect/${event.protectId}/approve`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: `http://127.0.0.1:${daemon.port}` },
      body: `token=${'A'.repeat(43)}`,
    });
    expect(guess.status).toBe(404);
    // The requester can cancel (close), never approve: closing ends the prompt.
    await attacker.close();
    await pairing;
    await expect.poll(() => daemon.protect.pending().length, { timeout: 10_000 }).toBe(0);
    expect(
      await controlCall(daemon.dataDir, {
        op: 'native.discover',
        extensionOrigin: TEST_EXTENSION_ORIGIN,
        installId: install.installId,
      }),
    ).toMatchObject({ paired: false });
  });

  it('a paired requester never receives the means to approve its own user verification; it can only cancel', async () => {
    const install = newInstall();
    await pairLikeTheExtension(install);
    const requester = await connectPaired(daemon, install);
    const registering = requester
      .request('register', { origin: 'http://localhost:3000', options: sampleCreationOptions() }, 'reg-own')
      .catch((err: Error) => err);
    const asked = await requester.waitForEvent((e) => e.event === 'protect.request');
    expect(daemon.protect.pending().map((p) => p.id)).toEqual([asked.protectId]);
    // The event names the request, never the window's URL or its one-time token.
    expect(JSON.stringify(requester.received)).not.toMatch(/token|\/protect\//);
    const guess = await httpRequest(daemon.port, {
      method: 'POST',
      path: `/protect/${asked.protectId}/approve`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: `http://127.0.0.1:${daemon.port}` },
      body: `token=${'A'.repeat(43)}`,
    });
    expect(guess.status).toBe(404);
    expect(daemon.protect.pending().map((p) => p.id)).toEqual([asked.protectId]);
    // Cancelling is all the requester can do: its request ends unsigned.
    expect(await requester.request('cancel', { requestId: 'reg-own' })).toEqual({
      ok: true,
      result: { cancelled: true },
    });
    expect(await registering).toMatchObject({ ok: false });
    expect(daemon.protect.pending()).toEqual([]);
    await requester.close();
  });

  it('an unauthenticated socket gets no assertion and no device data', async () => {
    const attacker = await DaemonClient.connect(daemon.url);
    await attacker.hello(newInstall());
    const r = await attacker.request('signIn', { origin: 'http://localhost:3000', options: sampleRequestOptions() });
    expect(r).toMatchObject({ ok: false, error: { code: 'ERR_HANDSHAKE_REQUIRED' } });
    expect(await attacker.request('status', {})).toMatchObject({
      ok: false,
      error: { code: 'ERR_HANDSHAKE_REQUIRED' },
    });
    expect(daemon.protect.pending()).toEqual([]);
    await attacker.close();
  });

  it('refuses forged and replayed upgrade proofs before any WebSocket exists (401)', async () => {
    const install = newInstall();
    await pairLikeTheExtension(install);
    const forged = await computeUpgradeProof({
      secret: new Uint8Array(32),
      installId: install.installId,
      extensionOrigin: TEST_EXTENSION_ORIGIN,
    });
    expect(await upgradeStatus(daemon.url, [WS_SUBPROTOCOL, forged])).toBe(401);
    expect(await upgradeStatus(daemon.url, [WS_SUBPROTOCOL, `kbauth.${install.installId}.1.x.y`])).toBe(401);
    const stale = await computeUpgradeProof({
      secret: install.secret!,
      installId: install.installId,
      extensionOrigin: TEST_EXTENSION_ORIGIN,
      now: Date.now() - 10 * 60_000,
    });
    expect(await upgradeStatus(daemon.url, [WS_SUBPROTOCOL, stale])).toBe(401);
    const good = await upgradeProtocols(install);
    expect(await upgradeStatus(daemon.url, good)).toBe(101);
    expect(await upgradeStatus(daemon.url, good)).toBe(401); // replay
  });

  it('caps prompt pairing: one pending prompt per origin, then back-off after a deny', async () => {
    const sockets = await Promise.all(Array.from({ length: 6 }, () => DaemonClient.connect(daemon.url)));
    let refused = 0;
    const answers = sockets.map(async (s) => {
      await s.hello(newInstall());
      const answer = await s.request('pair', { publicKey: (await createPairingKeyPair()).publicKey });
      if (!answer.ok) refused++;
      return answer;
    });
    await expect.poll(() => daemon.protect.pending().length, { timeout: 10_000 }).toBe(1);
    // Every other pairing has been asked (and refused) before the deny: a busy machine may be slow to send them.
    await expect.poll(() => refused, { timeout: 30_000 }).toBe(5);
    daemon.protect.decide(daemon.protect.pending()[0]!.id, 'deny');
    const codes = (await Promise.all(answers)).map((r) => (r.ok ? 'ok' : r.error.code)).sort();
    expect(codes).toEqual(['ERR_PAIRING_DENIED', ...Array(5).fill('ERR_TOO_MANY_PENDING')]);
    const again = await DaemonClient.connect(daemon.url);
    await again.hello(newInstall());
    const { publicKey } = await createPairingKeyPair();
    expect(await again.request('pair', { publicKey })).toMatchObject({
      ok: false,
      error: { code: 'ERR_RATE_LIMITED' },
    });
    for (const s of [...sockets, again]) await s.close();
  });

  it('with 500 hostile sockets open, the paired extension still connects and is served', async () => {
    const hostile: WebSocket[] = [];
    const opened = Array.from(
      { length: 500 },
      () =>
        new Promise<void>((resolve) => {
          const ws = new WebSocket(`${daemon.url}/v1`, { origin: TEST_EXTENSION_ORIGIN });
          hostile.push(ws);
          ws.on('error', () => resolve());
          ws.once('open', () => resolve());
          ws.once('close', () => resolve());
          ws.once('unexpected-response', () => resolve());
        }),
    );
    await Promise.all(opened);
    try {
      const install = newInstall();
      await pairLikeTheExtension(install);
      const client = await connectPaired(daemon, install);
      expect(await client.call('ping')).toEqual({ pong: true });
      expect(await client.call('status', {})).toMatchObject({ daemonVersion: expect.any(String) });
      await client.close();
    } finally {
      for (const ws of hostile) ws.terminate();
    }
  }, 120_000);
});
