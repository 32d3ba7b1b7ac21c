/**
 * Runs a commander program the way every `keybound` entry point does: no process.exit from
 * commander (exitOverride), help after a usage error, and the exit code as the result, so the
 * caller (bin/keybound.js) sets `process.exitCode` and lets the process end by itself.
 */
import { Command, CommanderError } from 'commander';
import { KEYBOUND_VERSION } from '../version.js';
import { acceptIdOperands } from './acceptIdOperands.js';

/** Builds `keybound` with `register` adding its subcommands, parses `argv`, resolves to the exit code. */
export async function runCommander(
  argv: string[],
  register: (program: Command) => void,
  description = 'Passwordless, device-bound sign-in with Device Trust',
): Promise<number> {
  const program = new Command('keybound')
    .description(description)
    .version(KEYBOUND_VERSION)
    .exitOverride()
    .showHelpAfterError();
  register(program);
  acceptIdOperands(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
}
