import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import {
  createPairingKeyPair,
  derivePairingSecret,
  verifyPairingProof,
} from '../../../../shared/protocol/pairingProof.js';
import { fromBase64url, toBase64url } from '../../../../shared/webauthn/base64url.js';
import { DaemonClient, type PairingCredentialStore } from './DaemonClient.js';
import type { DaemonEvent, WebSocketLike } from './DaemonConnection.js';

const EXT_ORIGIN = 'chrome-extension://cafmddpjkeccackiphahemkdaplnpfdf';
const STATUS = {
  daemonVersion: '0.1.0',
  device: {
    platform: 'linux',
    enrollment: { state: 'enrolled', type: 'desktop-agent' },
    protect: { installed: true, managed: true, opened: true, notifications: true },
    userVerification: { biometrics: true, pin: true },
    deviceSignIn: true,
  },
  eligibility: { eligible: true },
  registered: false,
};

/** A small fake daemon speaking protocol v1 with the real pairing crypto. */
async function fakeDaemon(behaviour: { statusResult?: unknown; events?: DaemonEvent[] } = {}) {
  const secrets = new Map<string, Uint8Array<ArrayBuffer>>();
  const seen: string[] = [];
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  server.on('connection', (ws) => {
    let nonce = '';
    let installId = '';
    let authed = false;
    const reply = (id: string, result: unknown) => ws.send(JSON.stringify({ type: 'result', id, ok: true, result }));
    const fail = (id: string, code: string) =>
      ws.send(JSON.stringify({ type: 'result', id, ok: false, error: { code, message: code } }));
    ws.on('message', async (data) => {
      const msg = JSON.parse(String(data));
      seen.push(msg.type);
      switch (msg.type) {
        case 'hello':
          nonce = toBase64url(crypto.getRandomValues(new Uint8Array(32)));
          installId = msg.installId;
          return reply(msg.id, {
            version: 1,
            daemonVersion: '0.1.0',
            nonce,
            paired: secrets.has(installId),
            pairingPreauthorized: true,
          });
        case 'pair': {
          for (const event of behaviour.events ?? []) ws.send(JSON.stringify({ ...event, requestId: msg.id }));
          const { keyPair, publicKey } = await createPairingKeyPair();
          const secret = await derivePairingSecret({
            privateKey: keyPair.privateKey,
            peerPublicKey: msg.publicKey,
            nonce,
            installId,
            extensionOrigin: EXT_ORIGIN,
          });
          secrets.set(installId, secret);
          authed = true;
          return reply(msg.id, { publicKey, pairedAt: new Date().toISOString() });
        }
        case 'auth': {
          const secret = secrets.get(installId);
          const ok =
            secret &&
            (await verifyPairingProof({ secret, nonce, installId, extensionOrigin: EXT_ORIGIN, proof: msg.proof }));
          if (!ok) {
            fail(msg.id, 'ERR_PAIRING_PROOF_INVALID');
            return ws.close(1008);
          }
          authed = true;
          return reply(msg.id, { authenticated: true });
        }
        case 'status':
          if (!authed) return fail(msg.id, 'ERR_HANDSHAKE_REQUIRED');
          return reply(msg.id, behaviour.statusResult ?? STATUS);
        case 'ping':
          return reply(msg.id, { pong: true });
        case 'accounts.list':
          return; // never answered: lets a test see the request time out
        default:
          return fail(msg.id, 'ERR_INVALID_MESSAGE');
      }
    });
  });
  await new Promise((r) => server.once('listening', r));
  return {
    port: (server.address() as AddressInfo).port,
    secrets,
    seen,
    dropConnections: () => {
      for (const client of server.clients) client.terminate();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const c of server.clients) c.terminate();
        server.close(() => r());
      }),
  };
}

function memoryCredentials(): PairingCredentialStore & { secret?: string } {
  const store: PairingCredentialStore & { secret?: string } = {
    load: async () => ({ installId: 'install-0123456789abcdef', ...(store.secret ? { secret: store.secret } : {}) }),
    saveSecret: async (secret) => {
      store.secret = secret;
    },
    clearSecret: async () => {
      store.secret = undefined;
    },
  };
  return store;
}

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function client(port: number, credentials = memoryCredentials(), onEvent = vi.fn(), keepAliveMs = 20_000) {
  const c = new DaemonClient({
    keepAliveMs,
    openSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
    daemonPort: async () => port,
    credentials,
    extensionOrigin: EXT_ORIGIN,
    client: { browser: 'chrome', extensionVersion: '0.1.0' },
    onEvent,
    log: () => {},
    backoffMs: [10, 20],
  });
  closers.push(() => c.disconnect());
  return { c, credentials, onEvent };
}

describe('DaemonClient', () => {
  it('should pair once and keep the secret when it connects the first time', async () => {
    const daemon = await fakeDaemon();
    closers.push(daemon.close);
    const { c, credentials } = client(daemon.port);
    const outcome = await c.request('status', {});
    expect(outcome).toEqual({ ok: true, result: STATUS });
    expect(daemon.seen).toEqual(['hello', 'pair', 'status']);
    expect(fromBase64url(credentials.secret!)).toEqual(daemon.secrets.get('install-0123456789abcdef'));
    expect(c.state).toBe('connected');
  });

  it('should authenticate with the proof instead of pairing when it reconnects', async () => {
    const daemon = await fakeDaemon();
    closers.push(daemon.close);
    const { c } = client(daemon.port);
    await c.request('status', {});
    c.disconnect();
    expect((await c.request('status', {})).ok).toBe(true);
    expect(daemon.seen).toEqual(['hello', 'pair', 'status', 'hello', 'auth', 'status']);
  });

  it('should pair again when the daemon has forgotten the pairing', async () => {
    const daemon = await fakeDaemon();
    closers.push(daemon.close);
    const credentials = memoryCredentials();
    credentials.secret = toBase64url(new Uint8Array(32));
    const { c } = client(daemon.port, credentials);
    expect((await c.request('status', {})).ok).toBe(true);
    expect(daemon.seen).toEqual(['hello', 'pair', 'status']);
  });

  it('should re-pair when the daemon rejects the proof', async () => {
    const daemon = await fakeDaemon();
    closers.push(daemon.close);
    const { c, credentials } = client(daemon.port);
    await c.request('status', {});
    c.disconnect();
    daemon.secrets.set('install-0123456789abcdef', new Uint8Array(32)); // the daemon's secret changed
    const first = credentials.secret;
    expect((await c.request('status', {})).ok).toBe(true);
    expect(daemon.seen.slice(3)).toEqual(['hello', 'auth', 'hello', 'pair', 'status']);
    expect(credentials.secret).not.toBe(first);
  });

  it('should reconnect lazily when the connection dropped', async () => {
    const daemon = await fakeDaemon();
    closers.push(daemon.close);
    const { c } = client(daemon.port);
    await c.request('status', {});
    daemon.dropConnections();
    await vi.waitFor(() => expect(c.state).toBe('idle'));
    expect((await c.request('ping', {})).ok).toBe(true);
  });

  it('should answer ERR_DAEMON_UNAVAILABLE after retrying when nothing listens', async () => {
    const daemon = await fakeDaemon();
    const port = daemon.port;
    await daemon.close();
    const { c } = client(port);
    const outcome = await c.request('status', {});
    expect(outcome).toMatchObject({ ok: false, error: { code: 'ERR_DAEMON_UNAVAILABLE' } });
    expect(!outcome.ok && outcome.error.message).toContain(`127.0.0.1:${port}`);
    expect(c.state).toBe('unavailable');
    expect(c.problem?.code).toBe('ERR_DAEMON_UNAVAILABLE');
  });

  it('should refuse a result when it does not match the result schema', async () => {
    const daemon = await fakeDaemon({ statusResult: { ...STATUS, extra: true } });
    closers.push(daemon.close);
    const { c } = client(daemon.port);
    expect(await c.request('status', {})).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_MESSAGE' } });
  });

  it('should pass Protect events on when the daemon sends them', async () => {
    const event: DaemonEvent = {
      type: 'event',
      event: 'protect.request',
      requestId: 'set-by-fake',
      protectId: 'protect-123456',
      action: 'pair',
      url: 'http://127.0.0.1:1234/protect/protect-123456?token=x',
    };
    const daemon = await fakeDaemon({ events: [event] });
    closers.push(daemon.close);
    const { c, onEvent } = client(daemon.port);
    await c.request('ping', {});
    expect(onEvent).toHaveBeenCalledWith(expect.objectContaining({ event: 'protect.request', action: 'pair' }));
  });

  it('should time a request out when the daemon does not answer', async () => {
    const daemon = await fakeDaemon();
    closers.push(daemon.close);
    const { c } = client(daemon.port);
    await c.request('ping', {});
    const outcome = await c.request('accounts.list', {}, { timeoutMs: 50 });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'ERR_TIMEOUT' } });
    expect((await c.request('ping', {})).ok).toBe(true);
  });

  it('should ping while a request waits when it takes long (keeps the worker alive)', async () => {
    const daemon = await fakeDaemon();
    closers.push(daemon.close);
    const { c } = client(daemon.port, memoryCredentials(), vi.fn(), 20);
    await c.request('accounts.list', {}, { timeoutMs: 200 });
    const pings = daemon.seen.filter((type) => type === 'ping').length;
    expect(pings).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(daemon.seen.filter((type) => type === 'ping').length).toBe(pings);
  });
});
