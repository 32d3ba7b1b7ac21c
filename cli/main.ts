/**
 * The `keybound` command: one program for the device side (daemon, device, protect, status) and
 * the portal side (portal, admin). Each side registers its own subcommands; their actions import
 * the heavy modules lazily so `keybound --help` and the daemon start fast.
 */

import { registerDaemonCommands } from '../daemon/src/cli/registerDaemonCommands.js';
import { registerDeployCommands } from '../deploy/src/cli/registerDeployCommands.js';
import { registerPortalCommands } from '../portal/src/cli/registerPortalCommands.js';
import { runCommander } from '../shared/node/runCommander.js';

/** Runs the CLI with `argv` (without node and script). Resolves to the exit code. */
export function main(argv: string[]): Promise<number> {
  return runCommander(argv, (program) => {
    registerDaemonCommands(program);
    registerPortalCommands(program);
    registerDeployCommands(program);
  });
}
