import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import {
  isUpgradeProof,
  parseUpgradeProof,
  verifyUpgradeMac,
  WS_SUBPROTOCOL,
} from '../../../../shared/protocol/upgradeProof.js';
import { toBase64url } from '../../../../shared/webauthn/base64url.js';
import { DaemonClient, type PairingCredentialStore } from './DaemonClient.js';
import type { DaemonEvent, WebSocketLike } from './DaemonConnection.js';
import { type NativeHostApi, nativeHostUnavailable } from './NativeHost.js';

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

/**
 * A small fake daemon speaking protocol v1 with the real upgrade-proof check (decision 0040), and
 * a fake native host that issues its secrets, as `keybound native-host` does for the real one.
 */
async function fakeDaemon(behaviour: { statusResult?: unknown; events?: DaemonEvent[] } = {}) {
  const secrets = new Map<string, Uint8Array<ArrayBuffer>>();
  const seen: string[] = [];
  const server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    handleProtocols: (offered) => (offered.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
    verifyClient: (info, done) => {
      const offer = String(info.req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((p) => p.trim())
        .find(isUpgradeProof);
      const proof = offer ? parseUpgradeProof(offer) : undefined;
      const secret = proof && secrets.get(proof.installId);
      if (!proof || !secret) return done(false, 401);
      void verifyUpgradeMac(proof, secret, EXT_ORIGIN).then((ok) => done(ok, 401));
    },
  });
  server.on('connection', (ws) => {
    const reply = (id: string, result: unknown) => ws.send(JSON.stringify({ type: 'result', id, ok: true, result }));
    const fail = (id: string, code: string) =>
      ws.send(JSON.stringify({ type: 'result', id, ok: false, error: { code, message: code } }));
    ws.on('message', async (data) => {
      const msg = JSON.parse(String(data));
      seen.push(msg.type);
      switch (msg.type) {
        case 'hello':
          for (const event of behaviour.events ?? []) ws.send(JSON.stringify({ ...event, requestId: msg.id }));
          return reply(msg.id, {
            version: 1,
            daemonVersion: '0.1.0',
            nonce: toBase64url(crypto.getRandomValues(new Uint8Array(32))),
            paired: true,
            pairingPreauthorized: false,
            authenticated: true,
          });
        case 'status':
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
  const port = (server.address() as AddressInfo).port;
  const calls: string[] = [];
  const native: NativeHostApi = {
    discover: async (installId) => {
      calls.push('discover');
      return { ok: true, result: { port, daemonVersion: '0.1.0', paired: secrets.has(installId) } };
    },
    pair: async (installId) => {
      calls.push('pair');
      const secret = crypto.getRandomValues(new Uint8Array(32));
      secrets.set(installId, secret);
      return { ok: true, result: { port, secret: toBase64url(secret), pairedAt: new Date().toISOString() } };
    },
    protectUrl: async () => ({ ok: false, error: { code: 'ERR_NOT_FOUND', message: 'none' } }),
  };
  return {
    port,
    secrets,
    seen,
    native,
    calls,
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

function memoryCredentials(): PairingCredentialStore & { secret?: string; port?: number } {
  const store: PairingCredentialStore & { secret?: string; port?: number } = {
    load: async () => ({
      installId: 'install-0123456789abcdef',
      ...(store.secret ? { secret: store.secret } : {}),
      ...(store.port ? { port: store.port } : {}),
    }),
    saveSecret: async (secret, port) => {
      store.secret = secret;
      store.port = port;
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

const MISSING_HOST: NativeHostApi = {
  discover: async () => ({ ok: false, error: nativeHostUnavailable('Specified native messaging host not found.') }),
  pair: async () => ({ ok: false, error: nativeHostUnavailable('Specified native messaging host not found.') }),
  protectUrl: async () => ({ ok: false, error: nativeHostUnavailable(undefined) }),
};

function client(native: NativeHostApi, credentials = memoryCredentials(), onEvent = vi.fn(), keepAliveMs = 20_000) {
  const c = new DaemonClient({
    keepAliveMs,
    openSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike,
    native,
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
  it('should pair once through the native host and keep the secret and port', async () => {
    const daemon = await fakeDaemon();
    closers.push(daemon.close);
    const { c, credentials } = client(daemon.native);
    expect(await c.request('status', {})).toMatchObject({ ok: true });
    expect(daemon.calls).toEqual(['pair']);
    expect(credentials).toMatchObject({ secret: expect.stringMatching(/^[\w-]{43}$/), port: daemon.port });
    expect(c.state).toBe('connected');
  });

  it('should authenticate at the upgrade without asking the host when it reconnects', async () => {
    const daemon = await fakeDaemon();
    closers.push(daemon.close);
    const credentials = memoryCredentials();
    await client(daemon.native, credentials).c.request('ping', {});
    const { c } = client(daemon.native, credentials);
    expect((await c.request('ping', {})).ok).toBe(true);
    expect(daemon.calls).toEqual(['pair']);
    expect(daemon.seen.filter((t) => t === 'pair' || t === 'auth')).toEqual([]);
  });

  it('should pair again when the daemon has forgotten the pairing (upgrade refused, host says not paired)', async () => {
    const daemon = await fakeDaemon();
    closers.push(daemon.close);
    const credentials = memoryCredentials();
    await client(daemon.native, credentials).c.request('ping', {});
    daemon.secrets.clear();
    const { c } = client(daemon.native, credentials);
    expect((await c.request('ping', {})).ok).toBe(true);
    expect(daemon.calls).toEqual(['pair', 'discover', 'pair']);
  });

  it('should follow the daemon to a new port the host reports', async () => {
    const daemon = await fakeDaemon();
    closers.push(daemon.close);
    const credentials = memoryCredentials();
    await client(daemon.native, credentials).c.request('ping', {});
    credentials.port = 1; // where nothing listens
    const { c } = client(daemon.native, credentials);
    expect((await c.request('ping', {})).ok).toBe(true);
    expect(credentials.port).toBe(daemon.port);
  });

  it('should say what IT must do when the native host is missing', async () => {
    const { c } = client(MISSING_HOST);
    const outcome = await c.request('status', {});
    expect(outcome).toMatchObject({ ok: false, error: { code: 'ERR_NATIVE_HOST_UNAVAILABLE' } });
    expect(!outcome.ok && outcome.error.message).toContain('keybound native-host install');
    expect(c.problem?.code).toBe('ERR_NATIVE_HOST_UNAVAILABLE');
  });

  it('should reconnect lazily when the connection dropped', async () => {
    const daemon = await fakeDaemon();
    closers.push(daemon.close);
    const { c } = client(daemon.native);
    await c.request('status', {});
    daemon.dropConnections();
    await vi.waitFor(() => expect(c.state).toBe('idle'));
    expect((await c.request('ping', {})).ok).toBe(true);
  });

  it('should answer ERR_DAEMON_UNAVAILABLE after retrying when nothing listens', async () => {
    const daemon = await fakeDaemon();
    const port = daemon.port;
    const credentials = memoryCredentials();
    await client(daemon.native, credentials).c.request('ping', {});
    await daemon.close();
    const { c } = client(daemon.native, credentials);
    const outcome = await c.request('status', {});
    expect(outcome).toMatchObject({ ok: false, error: { code: 'ERR_DAEMON_UNAVAILABLE' } });
    expect(!outcome.ok && outcome.error.message).toContain(`127.0.0.1:${port}`);
    expect(c.state).toBe('unavailable');
    expect(c.problem?.code).toBe('ERR_DAEMON_UNAVAILABLE');
  });

  it('should refuse a result when it does not match the result schema', async () => {
    const daemon = await fakeDaemon({ statusResult: { ...STATUS, extra: true } });
    closers.push(daemon.close);
    const { c } = client(daemon.native);
    expect(await c.request('status', {})).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_MESSAGE' } });
  });

  it('should pass Protect events on when the daemon sends them', async () => {
    const event: DaemonEvent = {
      type: 'event',
      event: 'protect.request',
      requestId: 'set-by-fake',
      protectId: 'protect-123456',
      action: 'signIn',
    };
    const daemon = await fakeDaemon({ events: [event] });
    closers.push(daemon.close);
    const { c, onEvent } = client(daemon.native);
    await c.request('ping', {});
    expect(onEvent).toHaveBeenCalledWith(expect.objectContaining({ event: 'protect.request', action: 'signIn' }));
  });

  it('should time a request out when the daemon does not answer', async () => {
    const daemon = await fakeDaemon();
    closers.push(daemon.close);
    const { c } = client(daemon.native);
    await c.request('ping', {});
    const outcome = await c.request('accounts.list', {}, { timeoutMs: 50 });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'ERR_TIMEOUT' } });
    expect((await c.request('ping', {})).ok).toBe(true);
  });

  it('should ping while a request waits when it takes long (keeps the worker alive)', async () => {
    const daemon = await fakeDaemon();
    closers.push(daemon.close);
    const { c } = client(daemon.native, memoryCredentials(), vi.fn(), 20);
    await c.request('accounts.list', {}, { timeoutMs: 200 });
    // A ping sent just before the timeout may still be on its way.
    await new Promise((r) => setTimeout(r, 50));
    const pings = daemon.seen.filter((type) => type === 'ping').length;
    expect(pings).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(daemon.seen.filter((type) => type === 'ping').length).toBe(pings);
  });
});
