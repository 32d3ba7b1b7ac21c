/**
 * Which UserVerifier answers the authenticator: with `--device host` (and `--uv protect`) the
 * operating system (protect/os/createOsVerifier, imported only then); otherwise the Protect queue
 * — the emulated window and `keybound protect`, or `--uv auto|deny` for tests and benchmarks.
 * Logs the choice once (`daemon.user_verification`), and for the emulator the plain warning that
 * it is for developers and not a security boundary (`daemon.emulator`).
 */
import type { Logger } from '../../../shared/node/createLogger.js';
import type { AuditLog } from '../audit/AuditLog.js';
import type { ProtectQueue } from './ProtectQueue.js';
import type { UserVerifier } from './UserVerifier.js';

export async function chooseUserVerifier(options: {
  device: 'emulator' | 'host';
  queue: ProtectQueue;
  logger: Logger;
  audit: AuditLog;
  timeoutMs?: number;
  /** Replaces the platform's OS verifier (tests). */
  osVerifier?: UserVerifier & { backend?: string };
}): Promise<UserVerifier> {
  const { device, queue, logger } = options;
  if (device === 'emulator') {
    logger.warn(
      { event: 'daemon.emulator', code: 'EMULATOR' },
      'The emulated device and its Protect window are for developers and are NOT a security boundary: any program running as you can approve a request in them. Run with --device host to verify users through the operating system.',
    );
  }
  const os =
    device === 'host' && queue.mode === 'protect'
      ? (options.osVerifier ??
        (await import('./os/createOsVerifier.js')).createOsVerifier({
          logger,
          audit: options.audit,
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        }))
      : undefined;
  logger.info(
    { event: 'daemon.user_verification', device, uv: queue.mode, via: os ? (os.backend ?? 'os') : 'protect-queue' },
    os ? 'users are verified by the operating system' : 'users are verified through the Protect queue',
  );
  return os ?? queue;
}
