/**
 * Composition of the daemon: loopback server (extension WebSocket + Protect window), Protect
 * queue, audit log, control socket, and the device side (authenticator, key store, pairings).
 *
 * Ready fast: the listener comes up first; the device side (sealed files, machine id) opens in
 * the background as a `Promise<DeviceSide>` that the servers await where a request needs it. A
 * device side that fails to open turns every such request into its error (and is logged once),
 * never an unhandled rejection.
 */
import { chmod, mkdir } from 'node:fs/promises';
import type { Logger } from '../../shared/node/createLogger.js';
import { KEYBOUND_VERSION } from '../../shared/version.js';
import { AUDIT_FILE, FileAuditLog } from './audit/FileAuditLog.js';
import { createControlServer } from './control/createControlServer.js';
import type { DeviceSide, OpenDeviceSide } from './DeviceSide.js';
import { type ExtensionPolicy, loadDaemonConfig } from './pairing/loadDaemonConfig.js';
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
  warnAtStart(logger, uv, policy);

  let origin = 'http://127.0.0.1:0';
  // The audit log opens first (one file, no sealing): Protect records into it while the rest of
  // the device side is still opening.
  const audit = openAuditLog(dataDir, clock, logger);
  const queue = new ProtectQueue({
    mode: uv,
    origin: () => origin,
    logger,
    audit,
    clock,
    ...(options.protectTimeoutMs ? { timeoutMs: options.protectTimeoutMs } : {}),
  });
  let port = 0;
  let url = '';
  // Settles once the device side opened or failed to; what needs it awaits it.
  let openingSide!: (opening: Promise<DeviceSide>) => void;
  const side = new Promise<DeviceSide>((resolve) => {
    openingSide = resolve;
  });
  side.catch((err: unknown) =>
    logger.error({ event: 'daemon.device_side_failed', code: 'ERR_INTERNAL', err }, 'device side failed to open'),
  );

  // The control socket first: it refuses to start when another daemon owns this data dir,
  // before anything opens the device side's files.
  const control = await createControlServer({
    dataDir,
    logger,
    deps: {
      queue,
      side,
      policy,
      daemon: () => ({ version: KEYBOUND_VERSION, pid: process.pid, url, port, dataDir, uv, startedAt }),
    },
  }).catch((err: unknown) => {
    audit.close();
    throw err;
  });
  const deviceKind = options.device ?? 'emulator';
  const verifier = await chooseUserVerifier({
    device: deviceKind,
    queue,
    logger,
    audit,
    ...(options.protectTimeoutMs ? { timeoutMs: options.protectTimeoutMs } : {}),
    ...(options.osVerifier ? { osVerifier: options.osVerifier } : {}),
  }).catch(async (err: unknown) => {
    await control.close();
    audit.close();
    throw err;
  });
  openingSide(openSide(options, { dataDir, device: deviceKind, verifier, audit, logger, clock }));
  const closeSide = async () => {
    await side.then(
      (s) => s.close(),
      () => {},
    );
    audit.close();
  };

  let server: Awaited<ReturnType<typeof createDaemonServer>>;
  try {
    server = await createDaemonServer({
      port: options.port,
      ...(options.listenIpv6 ? { listenIpv6: true } : {}),
      policy,
      side,
      queue,
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
 * Opens the device side in the background: the one given in the options (tests), else the real
 * one, imported only now so `keybound --help` stays fast.
 */
function openSide(options: StartDaemonOptions, args: Parameters<OpenDeviceSide>[0]): Promise<DeviceSide> {
  if (options.openDeviceSide) return options.openDeviceSide(args);
  return import('./openDeviceSide.js').then(({ openDeviceSide }) =>
    openDeviceSide({
      ...args,
      ...(options.keyStore ? { keyStoreChoice: options.keyStore } : {}),
      ...(options.tpm ? { tpm: options.tpm } : {}),
    }),
  );
}

/** The loud warnings of a risky configuration, once at start. */
function warnAtStart(logger: Logger, uv: UvMode, policy: ExtensionPolicy): void {
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
}

/** audit.log; one that cannot be written is reported once and refuses ceremonies (FileAuditLog). */
function openAuditLog(dataDir: string, clock: () => Date, logger: Logger): FileAuditLog {
  return new FileAuditLog(dataDir, clock, (err) =>
    logger.error(
      { event: 'state.damaged', code: 'ERR_STATE_CORRUPT', file: AUDIT_FILE, err: err.message },
      'a state file is damaged; requests that need it are refused',
    ),
  );
}
