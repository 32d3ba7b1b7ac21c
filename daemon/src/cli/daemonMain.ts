/**
 * The entry of the bundled daemon (`dist/keybound-daemon.cjs`, built by daemon/build/bundleDaemon.mjs):
 * `keybound daemon …` with the same options and output as through cli/main.ts, but registering
 * only the `daemon` command, so the long-running process loads nothing of the portal or the other
 * subcommands. bin/keybound.js runs it for `keybound daemon`; docs/performance.md has the
 * measurements (one minified CommonJS file: less resident memory and a faster start than ~170
 * ES modules, and no CommonJS-from-ESM interop for ws, pino, commander).
 */
import { Command, CommanderError } from 'commander';
import { KEYBOUND_VERSION } from '../../../shared/version.js';
import { registerDaemonCommand } from './daemonCommand.js';

/** Runs `keybound daemon` with `argv` (without node and script, starting with 'daemon'). Resolves to the exit code. */
export async function daemonMain(argv: string[]): Promise<number> {
  const program = new Command('keybound').version(KEYBOUND_VERSION).exitOverride().showHelpAfterError();
  registerDaemonCommand(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
}
