/**
 * `keybound status [--json]`: the daemon, the device profile, Protect, paired extensions and
 * credentials, as the running daemon reports them over its control socket.
 */
import type { Command } from 'commander';

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('show the daemon, device profile, Protect, paired extensions and credentials')
    .option('--json', 'print JSON')
    .option('--data-dir <dir>', 'the daemon data directory (default: KEYBOUND_DATA_DIR or the per-user data folder)')
    .action(async (opts: { json?: boolean; dataDir?: string }) => {
      const { runStatus } = await import('./runStatus.js');
      process.exitCode = await runStatus(opts);
    });
}
