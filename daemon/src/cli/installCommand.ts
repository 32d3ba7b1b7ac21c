/**
 * `keybound install`, `keybound uninstall` and `keybound doctor`: set up this machine for
 * Keybound (service, native-messaging hosts, data dir) and check every link of the chain.
 * Actions import their implementation lazily so `keybound --help` stays fast.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { CHROME_EXTENSION_ID } from '../../../shared/extensionIdentity.js';

function collectId(value: string, previous: string[]): string[] {
  if (!CHROME_EXTENSION_ID.test(value))
    throw new InvalidArgumentError('expected a Chrome extension id (32 letters a–p)');
  return [...previous, value];
}

export interface InstallCommandOptions {
  system?: boolean;
  dryRun?: boolean;
  dataDir?: string;
  extensionId: string[];
  daemonPort?: number;
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new InvalidArgumentError(`expected 1–65535, got "${value}"`);
  return n;
}

export function registerInstallCommands(program: Command): void {
  for (const name of ['install', 'uninstall'] as const) {
    program
      .command(name)
      .description(
        name === 'install'
          ? "set up this machine: the daemon's per-user service, native-messaging hosts for each browser, the data dir"
          : 'remove the service and native-messaging hosts (keeps the data dir and its keys)',
      )
      .option('--system', 'for every user of the machine (IT images; needs administrator rights)')
      .option('--dry-run', 'print what would be done, change nothing')
      .option('--data-dir <dir>', 'the daemon data directory (default: KEYBOUND_DATA_DIR or the per-user data folder)')
      .option(
        '--extension-id <id>',
        'your extension id, allowed by the daemon and the hosts (repeatable)',
        collectId,
        [],
      )
      .option(
        '--daemon-port <n>',
        'a fixed loopback port for the daemon (default: picked once per user and recorded in the data dir)',
        port,
      )
      .action(async (opts: InstallCommandOptions) => {
        const { runInstall } = await import('./runInstall.js');
        process.exitCode = await runInstall(name, opts);
      });
  }
  program
    .command('doctor')
    .description('check every link from the browser to the portal and name the broken one with its fix')
    .option('--json', 'print JSON')
    .option('--data-dir <dir>', 'the daemon data directory (default: KEYBOUND_DATA_DIR or the per-user data folder)')
    .option('--portal <url>', 'the portal to check the clock against (default: the one the device enrolled with)')
    .option('--extension-id <id>', 'your extension id (repeatable; default: Keybound)', collectId, [])
    .option(
      '--policy-dir <dir>',
      'a managed-policy folder to read (repeatable; default: each browser’s)',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .action(async (opts) => {
      const { runDoctor } = await import('../doctor/runDoctor.js');
      process.exitCode = await runDoctor(opts);
    });
}
