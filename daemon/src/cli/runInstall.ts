/** Prints each step of `keybound install|uninstall`, one line each; exit 1 when a step failed. */
import { KeyboundError } from '../../../shared/errors.js';
import { defaultDataDir } from '../../../shared/node/dataDir.js';
import { installKeybound, uninstallKeybound } from '../install/installKeybound.js';
import type { InstallCommandOptions } from './installCommand.js';

export async function runInstall(
  command: 'install' | 'uninstall',
  opts: InstallCommandOptions,
  out: (text: string) => void = (t) => process.stdout.write(t),
): Promise<number> {
  const options = {
    system: opts.system ?? false,
    dryRun: opts.dryRun ?? false,
    dataDir: opts.dataDir ?? defaultDataDir(),
    ...(opts.extensionId.length > 0 ? { extensionIds: opts.extensionId } : {}),
    ...(opts.daemonPort !== undefined ? { daemonPort: opts.daemonPort } : {}),
  };
  try {
    const steps = await (command === 'install' ? installKeybound(options) : uninstallKeybound(options));
    for (const s of steps) out(`${s.action.padEnd(15)} ${s.what}: ${s.detail}\n`);
    return steps.some((s) => s.action === 'failed') ? 1 : 0;
  } catch (err) {
    if (err instanceof KeyboundError || (err as NodeJS.ErrnoException).code) {
      process.stderr.write(`error ${(err as { code?: string }).code}: ${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  }
}
