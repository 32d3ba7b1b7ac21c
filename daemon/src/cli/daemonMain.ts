/**
 * The entry of the bundled daemon (`dist/keybound-daemon.cjs`, built by daemon/build/bundleDaemon.mjs):
 * `keybound daemon …` with the same options and output as through cli/main.ts, but registering
 * only the `daemon` command, so the long-running process loads nothing of the portal or the other
 * subcommands. bin/keybound.js runs it for `keybound daemon`; docs/performance.md has the
 * measurements (one minified CommonJS file: less resident memory and a faster start than ~170
 * ES modules, and no CommonJS-from-ESM interop for ws, pino, commander).
 */
import { runCommander } from '../../../shared/node/runCommander.js';
import { registerDaemonCommand } from './daemonCommand.js';

/** Runs `keybound daemon` with `argv` (without node and script, starting with 'daemon'). Resolves to the exit code. */
export function daemonMain(argv: string[]): Promise<number> {
  return runCommander(argv, registerDaemonCommand);
}
