/**
 * The foreground daemon process: start, announce readiness on stdout, stop cleanly on SIGTERM or
 * SIGINT (close connections, cancel Protect requests, flush state) and exit 0.
 */
import { createLogger } from '../../../shared/node/createLogger.js';
import { defaultDataDir } from '../../../shared/node/dataDir.js';
import { recordDaemonPort } from '../server/recordDaemonPort.js';
import { resolveDaemonPort } from '../server/resolveDaemonPort.js';
import { startDaemon } from '../startDaemon.js';
import type { DaemonCommandOptions } from './daemonCommand.js';

/** Runs until a stop signal; resolves to the exit code. */
export async function runDaemon(opts: DaemonCommandOptions): Promise<number> {
  const logger = createLogger('daemon');
  const dataDir = opts.dataDir ?? defaultDataDir();
  let daemon: Awaited<ReturnType<typeof startDaemon>>;
  let port = opts.port ?? 0;
  const start = (listenPort: number) =>
    startDaemon({
      port: listenPort,
      dataDir,
      device: opts.device,
      uv: opts.uv,
      allowExtensions: opts.allowExtension,
      preauthorizePairing: opts.preauthorizePairing === true,
      listenIpv6: opts.listenIpv6 === true,
      ...(opts.protectTimeoutMs ? { protectTimeoutMs: opts.protectTimeoutMs } : {}),
      keyStore: opts.keyStore,
      ...(opts.tpm ? { tpm: opts.tpm } : {}),
      logger,
    });
  try {
    // This user's port (decision 0041): --port, config.json, the recorded one, else a free one.
    const chosen = await resolveDaemonPort({ dataDir, ...(opts.port !== undefined ? { flag: opts.port } : {}) });
    if (chosen.ignored) logger.warn({ event: 'daemon.port_file_ignored', code: 'ERR_STATE_CORRUPT' }, chosen.ignored);
    port = chosen.port;
    try {
      daemon = await start(port);
    } catch (err) {
      // Someone took the recorded port meanwhile: pick another; the native host tells the extension.
      if (chosen.source !== 'recorded' || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      logger.warn({ event: 'daemon.port_taken', port }, `the recorded port ${port} is taken; picking another`);
      daemon = await start(0);
    }
    if ((chosen.source === 'recorded' || chosen.source === 'picked') && daemon.port !== chosen.port)
      await recordDaemonPort(dataDir, daemon.port);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === 'EADDRINUSE'
        ? `Port ${port} is in use. Is another keybound daemon running? Use --port (or "port" in config.json) to pick another.`
        : err instanceof Error
          ? err.message
          : String(err);
    logger.error({ event: 'daemon.start_failed', code: code ?? 'ERR_INTERNAL' }, message);
    process.stderr.write(`keybound daemon: ${message}\n`);
    return 1;
  }
  // The stop handlers go in before readiness is announced: whoever reads the ready line may send
  // SIGTERM at once (a service manager, a test), and a process descheduled between the write and
  // the handlers would die by the signal's default action, unflushed (seen on a loaded machine).
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ event: 'daemon.signal', signal }, 'stopping');
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  process.stdout.write(`keybound daemon listening on ${daemon.url}\n`);
  await stopped;
  await daemon.close();
  // Everything is closed; should a stray handle linger, do not hang the service manager.
  setTimeout(() => process.exit(0), 2000).unref();
  return 0;
}
