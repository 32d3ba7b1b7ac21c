/**
 * Composition of the daemon: loopback server (extension WebSocket + Protect window), Protect
 * queue, control socket, and the device side (authenticator, key store, pairings, audit).
 *
 * Ready fast: the listener comes up first; the device side (sealed files, machine id) opens in
 * the background, and requests that need it wait for it. A device side that fails to open turns
 * every such request into an error (and is logged), never an unhandled rejection.
 */
import { chmod, mkdir } from 'node:fs/promises';
import type { Logger } from '../../shared/node/createLogger.js';
import { KEYBOUND_VERSION } from '../../shared/version.js';
import type { AuditLog } from './audit/AuditLog.js';
import type { AuthenticatorApi } from './authenticator/AuthenticatorApi.js';
import { createControlServer } from './control/createControlServer.js';
import type { DeviceControlApi } from './control/DeviceControlApi.js';
import type { DeviceSide, OpenDeviceSide } from './DeviceSide.js';
import { loadDaemonConfig } from './pairing/loadDaemonConfig.js';
import type { PairingStore } from './pairing/PairingStore.js';
import { chooseUserVerifier } from './protect/chooseUserVerifier.js';
import { ProtectQueue, type UvMode } from './protect/ProtectQueue.js';
import type { UserVerifier } from './protect/UserVerifier.js';
import { createDaemonServer, type DaemonServerOptions } from './server/createDaemonServer.js';

export interface StartDaemonOptions {
  port: number;
  dataDir: string;
  device?: 'emulator' | 'host';
  uv?: UvMode;
  allowExtensions?: readonly string[];
  preauthorizePairing?: boolean;
  listenIpv6?: boolean;
  logger: Logger;
  clock?: () => Date;
  protectTimeoutMs?: number;
  heartbeatMs?: number;
  connection?: DaemonServerOptions['connection'];
  /** `--key-store tpm|file|auto` and `--tpm ADDRESS` for the real device side. */
  keyStore?: 'tpm' | 'file' | 'auto';
  tpm?: string;
  /** Opens the device side; defaults to the real one (openDeviceSide.ts). Tests may swap it. */
  openDeviceSide?: OpenDeviceSide;
  /**
   * `--device host`: verifies the user through the OS (polkit, LocalAuthentication, Windows
   * Hello); defaults to this platform's (protect/os/createOsVerifier). Tests point it elsewhere.
   */
  osVerifier?: UserVerifier & { backend?: string };
}

export interface RunningDaemon {
  port: number;
  /** `ws://127.0.0.1:<port>` */
  url: string;
  dataDir: string;
  protect: ProtectQueue;
  /** Closes connections, cancels Protect requests, flushes state. */
  close(): Promise<void>;
}

/** Starts the daemon and resolves once it listens. */
export async function startDaemon(options: StartDaemonOptions): Promise<RunningDaemon> {
  const { logger, dataDir } = options;
  const clock = options.clock ?? (() => new Date());
  const startedAt = clock().toISOString();
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // mkdir's mode does not apply to a folder that already exists; the control socket is created
  // in it next, before the device side would tighten it.
  await chmod(dataDir, 0o700).catch(() => undefined);
  const policy = await loadDaemonConfig({
    dataDir,
    ...(options.allowExtensions ? { allowExtensions: options.allowExtensions } : {}),
    ...(options.preauthorizePairing ? { preauthorizePairing: true } : {}),
  });
  const uv = options.uv ?? 'protect';
  if (uv === 'auto') {
    logger.warn(
      { event: 'daemon.uv_auto', code: 'UV_AUTO' },
      '!!! --uv auto: every user-verification request is APPROVED WITHOUT ASKING. For tests and benchmarks only; never run a real device like this. !!!',
    );
  }
  if (policy.allowedExtensionIds.size === 0) {
    logger.warn(
      { event: 'daemon.no_extensions' },
      'no Chrome extension is allowed (--allow-extension or config.json); only Safari extensions can pair',
    );
  }

  let origin = 'http://127.0.0.1:0';
  let side: Promise<DeviceSide> | undefined;
  /** The device side once open: calls then go straight to it, with no promise per call. */
  let opened: DeviceSide | undefined;
  const sideReady = () => side ?? Promise.reject(new Error('device side not opened'));
  const audit: AuditLog = {
    record: (event, fields) => {
      if (opened) return opened.audit.record(event, fields);
      sideReady().then(
        (s) => s.audit.record(event, fields),
        () => {},
      );
    },
  };
  const queue = new ProtectQueue({
    mode: uv,
    origin: () => origin,
    logger,
    audit,
    clock,
    ...(options.protectTimeoutMs ? { timeoutMs: options.protectTimeoutMs } : {}),
  });
  const authenticator = lazyProxy<AuthenticatorApi>(
    () => opened?.authenticator,
    () => sideReady().then((s) => s.authenticator),
  );
  const pairings = lazyProxy<PairingStore>(
    () => opened?.pairings,
    () => sideReady().then((s) => s.pairings),
  );
  const device = lazyProxy<DeviceControlApi>(
    () => opened?.device,
    () => sideReady().then((s) => s.device),
  );
  let port = 0;
  let url = '';

  // The control socket first: it refuses to start when another daemon owns this data dir,
  // before anything opens the device side's files.
  const control = await createControlServer({
    dataDir,
    logger,
    deps: {
      queue,
      authenticator,
      device,
      pairings,
      policy,
      daemon: () => ({ version: KEYBOUND_VERSION, pid: process.pid, url, port, dataDir, uv, startedAt }),
    },
  });
  const deviceKind = options.device ?? 'emulator';
  const verifier = await chooseUserVerifier({
    device: deviceKind,
    queue,
    logger,
    audit,
    ...(options.protectTimeoutMs ? { timeoutMs: options.protectTimeoutMs } : {}),
    ...(options.osVerifier ? { osVerifier: options.osVerifier } : {}),
  });
  // The real device side is imported only now, so `keybound --help` stays fast.
  const open: OpenDeviceSide =
    options.openDeviceSide ??
    (async (args) =>
      (await import('./openDeviceSide.js')).openDeviceSide({
        ...args,
        ...(options.keyStore ? { keyStoreChoice: options.keyStore } : {}),
        ...(options.tpm ? { tpm: options.tpm } : {}),
      }));
  side = open({ dataDir, device: deviceKind, verifier, logger, clock });
  side.then(
    (s) => {
      opened = s;
    },
    (err: unknown) =>
      logger.error({ event: 'daemon.device_side_failed', code: 'ERR_INTERNAL', err }, 'device side failed to open'),
  );
  const closeSide = () =>
    side?.then(
      (s) => s.close(),
      () => {},
    );

  let server: Awaited<ReturnType<typeof createDaemonServer>>;
  try {
    server = await createDaemonServer({
      port: options.port,
      ...(options.listenIpv6 ? { listenIpv6: true } : {}),
      policy,
      store: pairings,
      queue,
      authenticator,
      logger,
      audit,
      clock,
      ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
      ...(options.connection ? { connection: options.connection } : {}),
    });
  } catch (err) {
    await control.close();
    await closeSide();
    throw err;
  }
  port = server.port;
  origin = `http://127.0.0.1:${port}`;
  url = `ws://127.0.0.1:${port}`;
  logger.info(
    { event: 'daemon.listening', port: server.port, uv, extensions: policy.allowedExtensionIds.size },
    'daemon listening',
  );

  let closing: Promise<void> | undefined;
  return {
    port: server.port,
    url,
    dataDir,
    protect: queue,
    close() {
      closing ??= (async () => {
        queue.close();
        await Promise.all([server.close(), control.close()]);
        await closeSide();
        logger.info({ event: 'daemon.stopped' }, 'daemon stopped');
      })();
      return closing;
    },
  };
}

/**
 * An object whose every method awaits the real implementation first — or, once `ready()` has
 * it, calls it directly (a request then costs no extra promise or closure).
 */
function lazyProxy<T extends object>(ready: () => T | undefined, get: () => Promise<T>): T {
  type Methods = Record<string | symbol, (...a: unknown[]) => unknown>;
  const bound = new Map<string | symbol, (...a: unknown[]) => unknown>();
  return new Proxy({} as T, {
    get: (_t, name) => {
      // `then` stays undefined so the proxy itself is never mistaken for a promise.
      if (name === 'then') return undefined;
      const target = ready() as Methods | undefined;
      if (target) {
        let method = bound.get(name);
        if (!method) {
          method = target[name]!.bind(target);
          bound.set(name, method);
        }
        return method;
      }
      return async (...args: unknown[]) => {
        const later = (await get()) as Methods;
        return later[name]!.apply(later, args);
      };
    },
  });
}
