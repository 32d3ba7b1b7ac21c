/**
 * `keybound portal`: starts the portal, prints exactly one stdout line when ready
 * (`keybound portal listening on http://127.0.0.1:<port> — open <issuer>/ (…)`; tools wait for
 * its start), and shuts down gracefully on SIGTERM or SIGINT. The line names the issuer because
 * the portal redirects every other host name to it, and the extension must be configured with it.
 */
import { createLogger } from '../../../shared/node/createLogger.js';
import { unsupportedNodeMessage } from '../../../shared/node/nodeSupport.js';
import type { HashingBudgetOptions } from '../security/HashingBudget.js';
import { startPortal } from '../startPortal.js';

export async function runPortal(options: {
  port: number;
  database: string;
  issuer?: string;
  rpId?: string;
  extensionDir?: string;
  tpmRoots?: string;
  trustProxy?: string[];
  /** Password-hashing budgets (default DEFAULT_HASHING_BUDGET); the fault suite raises the per-client one. */
  hashing?: HashingBudgetOptions;
}): Promise<void> {
  const logger = createLogger('portal');
  const unsupported = unsupportedNodeMessage();
  if (unsupported) process.stderr.write(`keybound portal: ${unsupported}\n`);
  const portal = await startPortal({ ...options, logger });
  // The stop handlers go in before readiness is announced: whoever reads the ready line may send
  // SIGTERM at once, and a process descheduled between the write and the handlers would die by the
  // signal's default action instead of closing cleanly (as the daemon does, runDaemon.ts).
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ event: 'portal.signal', signal }, 'shutting down');
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      portal.close().then(resolve, resolve);
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  process.stdout.write(
    `keybound portal listening on http://127.0.0.1:${portal.port} — open ${portal.origin}/ (the address users and the extension use)\n`,
  );
  logger.info({ event: 'portal.ready', origin: portal.origin }, `open ${portal.origin}/`);
  await stopped;
}
