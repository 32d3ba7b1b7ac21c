/**
 * The `keybound` command: one program for the device side (daemon, device, protect, status) and
 * the portal side (portal, admin). Each side registers its own subcommands; their actions import
 * the heavy modules lazily so `keybound --help` and the daemon start fast.
 */
import { Command, CommanderError } from 'commander';
import { registerDaemonCommands } from '../daemon/src/cli/registerDaemonCommands.js';
import { registerPortalCommands } from '../portal/src/cli/registerPortalCommands.js';
import { KEYBOUND_VERSION } from '../shared/version.js';

/** Runs the CLI with `argv` (without node and script). Resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('keybound')
    .description('Passwordless, device-bound sign-in with Device Trust')
    .version(KEYBOUND_VERSION)
    .exitOverride()
    .showHelpAfterError();
  registerDaemonCommands(program);
  registerPortalCommands(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
}
