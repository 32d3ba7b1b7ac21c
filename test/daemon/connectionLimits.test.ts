/**
 * Connection hygiene: the message-rate bound, the hello deadline, the heartbeat that drops dead
 * peers, Safari extension origins (pair through Protect, never pre-authorised) and the
 * config.json allow-list. Each ends by checking that the daemon still serves a good client.
 */
import { rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectPaired,
  DaemonClient,
  newInstall,
  TEST_EXTENSION_ORIGIN,
  type TestInstall,
} from '../../dev/daemonClient.js';
import { type HarnessDaemon, makeTempDir, startHarnessDaemon } from '../helpers/daemonHarness.js';
import { fakeDeviceSide } from '../helpers/fakeDeviceSide.js';
import { rawRequest, statusOf, upgradeRequest } from '../helpers/rawHttp.js';

const SAFARI_ORIGIN = 'safari-web-extension://0B1C2D3E-4F50-6172-8394-A5B6C7D8E9F0';
const CONFIGURED_ID = 'cfcfcfcfcfcfcfcfcfcfcfcfcfcfcfcf';

let daemon: HarnessDaemon;
let install: TestInstall;

beforeAll(async () => {
  const dataDir = await makeTempDir();
  await writeFile(join(dataDir, 'config.json'), JSON.stringify({ allowExtensions: [CONFIGURED_ID] }));
  // Default hello deadline and heartbeat here: a short one would close good clients on a busy
  // machine. The tests of those deadlines start their own daemon with nothing else to serve.
  daemon = await startHarnessDaemon({
    dataDir,
    uv: 'protect',
    preauthorizePairing: true,
    connection: { messagesPerSecond: 5 },
  });
  install = newInstall();
  (await connectPaired(daemon, install)).close();
});
afterAll(async () => {
  await daemon?.stop();
  if (daemon) await rm(daemon.dataDir, { recursive: true, force: true });
});

async function expectStillServing(): Promise<void> {
  const client = await connectPaired(daemon, install);
  expect(await client.call('ping')).toEqual({ pong: true });
  await client.close();
}

describe('connection limits', () => {
  it('should refuse messages beyond the rate bound and close a connection that keeps flooding', async () => {
    const client = await connectPaired(daemon, install);
    for (let i = 0; i < 200; i++) client.ws.send(JSON.stringify({ type: 'ping', id: `p${i}` }));
    const { code } = await client.closedWithin();
    expect(code).toBe(1008);
    const limited = client.received.filter((m) => m.type === 'result' && !m.ok && m.error.code === 'ERR_RATE_LIMITED');
    expect(limited.length).toBeGreaterThan(0);
    await expectStillServing();
  });

  it('should close a connection that never says hello', async () => {
    // Only this daemon has a short deadline; its expiry is what is tested, so a slow machine
    // only makes it later. The shared daemon must still serve afterwards.
    const hasty = await startHarnessDaemon({ connection: { helloTimeoutMs: 200 } });
    try {
      const client = await DaemonClient.connect(hasty.url);
      // A helper waiting on a connection the daemon closes fails with the close code, never hangs.
      const never = client.waitForEvent(() => true, 'any event');
      expect((await client.closedWithin('the hello deadline to close the connection')).code).toBe(1008);
      await expect(never).rejects.toThrow(/closed the connection \(1008/);
      await expect(client.request('ping')).rejects.toThrow(/already closed \(1008\)/);
    } finally {
      await hasty.stop();
    }
    await expectStillServing();
  });

  it('should terminate a peer that stops answering pings', async () => {
    // A daemon whose hello deadline is far away, so only the heartbeat can end the connection.
    const patient = await startHarnessDaemon({ heartbeatMs: 50, connection: { helloTimeoutMs: 60_000 } });
    try {
      const head = await new Promise<string>((resolve, reject) => {
        const socket = connect(patient.port, '127.0.0.1');
        let received = '';
        socket.setEncoding('latin1');
        // Reads but never answers the daemon's pings (a raw socket sends no pong).
        socket.on('data', (d: string) => {
          received += d;
        });
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
        socket.write(upgradeRequest([`Host: 127.0.0.1:${patient.port}`, `Origin: ${TEST_EXTENSION_ORIGIN}`]));
      });
      expect(head.startsWith('HTTP/1.1 101')).toBe(true);
      // A ping frame (opcode 0x9) arrived before the daemon gave up on the peer.
      expect(head.includes('\x89')).toBe(true);
    } finally {
      await patient.stop();
    }
    await expectStillServing();
  });

  it('should allow an extension listed in config.json', async () => {
    const client = await connectPaired(daemon, newInstall(), `chrome-extension://${CONFIGURED_ID}`);
    expect(await client.call('ping')).toEqual({ pong: true });
    await client.close();
  });

  it('should make a Safari extension pair through Protect even when pairing is pre-authorised', async () => {
    const safari = newInstall();
    const client = await DaemonClient.connect(daemon.url, SAFARI_ORIGIN);
    expect(await client.hello(safari)).toMatchObject({ paired: false, pairingPreauthorized: false });
    const pairing = client.pair(safari);
    const event = await client.waitForEvent((e) => e.event === 'protect.request');
    expect(daemon.protect.pending()[0]).toMatchObject({ action: 'pair', origin: SAFARI_ORIGIN, browser: 'Safari' });
    daemon.protect.decide(event.protectId, 'approve');
    await pairing;
    await client.close();
    const again = await connectPaired(daemon, safari, SAFARI_ORIGIN);
    expect(await again.call('ping')).toEqual({ pong: true });
    await again.close();
    // The same install id from another origin is not paired: the pairing is bound to its origin.
    const other = await DaemonClient.connect(daemon.url);
    expect(await other.hello(safari)).toMatchObject({ paired: false });
    await other.close();
    await expectStillServing();
  });

  it('should also listen on [::1] with the same port when asked', async () => {
    const dual = await startHarnessDaemon({ listenIpv6: true });
    try {
      const origin = `Origin: ${TEST_EXTENSION_ORIGIN}`;
      const v6 = await rawRequest(dual.port, upgradeRequest([`Host: [::1]:${dual.port}`, origin]), 64 * 1024, '::1');
      expect(statusOf(v6)).toBe(101);
      const rebound = await rawRequest(
        dual.port,
        upgradeRequest([`Host: evil.example:${dual.port}`, origin]),
        64 * 1024,
        '::1',
      );
      expect(statusOf(rebound)).toBe(403);
    } finally {
      await dual.stop();
    }
  });

  it('should answer ERR_MESSAGE_TOO_LARGE instead of sending a result beyond the message limit', async () => {
    const big = await startHarnessDaemon({
      preauthorizePairing: true,
      openDeviceSide: fakeDeviceSide({ totpAccounts: 2000 }).open,
    });
    try {
      const client = await connectPaired(big, newInstall());
      expect(await client.request('accounts.list')).toMatchObject({
        ok: false,
        error: { code: 'ERR_MESSAGE_TOO_LARGE' },
      });
      expect(await client.call('ping')).toEqual({ pong: true });
      await client.close();
    } finally {
      await big.stop();
    }
  });
});
