/**
 * `keybound native-host`: with the browser's arguments (the caller's origin), serves native
 * messaging; `install` and `uninstall` write or remove the host manifest for each browser.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CHROME_EXTENSION_ID } from '../../../shared/extensionIdentity.js';
import { NATIVE_HOST_BROWSERS, type NativeHostBrowser } from './nativeHostLocation.js';

interface InstallOpts {
  browser: NativeHostBrowser[];
  system?: boolean;
  userDataDir?: string;
  dataDir?: string;
  extensionId: string[];
}

function collectId(value: string, previous: string[]): string[] {
  if (!CHROME_EXTENSION_ID.test(value))
    throw new InvalidArgumentError('expected a Chrome extension id (32 letters a–p)');
  return [...previous, value];
}

function collectBrowser(value: string, previous: NativeHostBrowser[] | undefined): NativeHostBrowser[] {
  if (!NATIVE_HOST_BROWSERS.includes(value as NativeHostBrowser))
    throw new InvalidArgumentError(`expected one of ${NATIVE_HOST_BROWSERS.join(', ')}`);
  return [...(previous ?? []), value as NativeHostBrowser];
}

function installOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--browser <name>', `chrome, chromium, edge or brave (repeatable; default: all)`).argParser(
        collectBrowser,
      ),
    )
    .option('--system', 'for all users of this machine (needs administrator rights)')
    .option('--user-data-dir <dir>', 'a browser profile started with --user-data-dir (its NativeMessagingHosts folder)')
    .option(
      '--extension-id <id>',
      'an extension id allowed to start the host (repeatable; default: Keybound)',
      collectId,
      [],
    );
}

export function registerNativeHostCommand(program: Command): void {
  const host = program
    .command('native-host')
    .description('Native-messaging host the browser starts for the Keybound extension; install/uninstall its manifest')
    .argument('[browserArgs...]', 'what the browser passes: the calling extension origin')
    .option('--data-dir <dir>', 'the daemon data directory (default: KEYBOUND_DATA_DIR or the per-user data folder)')
    .allowUnknownOption()
    .action(async (browserArgs: string[], opts: { dataDir?: string }) => {
      const [{ runNativeHost }, { defaultDataDir }] = await Promise.all([
        import('./runNativeHost.js'),
        import('../../../shared/node/dataDir.js'),
      ]);
      const code = await runNativeHost({
        args: browserArgs,
        dataDir: opts.dataDir ?? defaultDataDir(),
        stdin: process.stdin,
        stdout: process.stdout,
      });
      // Exit now, not when the last control call ends: closing those connections cancels prompts.
      process.stdout.write('', () => process.exit(code));
    });
  installOptions(host.command('install'))
    .description('write the host manifest (and launcher) where each browser looks for it')
    .option('--data-dir <dir>', 'bake this daemon data directory into the launcher')
    .action(async (opts: InstallOpts) => {
      const { installNativeHost } = await import('./installNativeHost.js');
      const done = await installNativeHost({
        browsers: opts.browser ?? NATIVE_HOST_BROWSERS,
        ...common(opts),
        ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
      });
      for (const d of done) process.stdout.write(`${d.browser}: ${d.registryKey ?? d.manifestPath}\n`);
    });
  installOptions(host.command('uninstall'))
    .description('remove the host manifests that install wrote')
    .action(async (opts: InstallOpts) => {
      const { uninstallNativeHost } = await import('./installNativeHost.js');
      const removed = await uninstallNativeHost({ browsers: opts.browser ?? NATIVE_HOST_BROWSERS, ...common(opts) });
      process.stdout.write(
        removed.length === 0
          ? 'No host manifest was installed.\n'
          : `${removed.map((p) => `removed ${p}`).join('\n')}\n`,
      );
    });
}

function common(opts: InstallOpts) {
  return {
    ...(opts.system ? { system: true } : {}),
    ...(opts.userDataDir ? { userDataDir: opts.userDataDir } : {}),
    ...(opts.extensionId.length > 0 ? { extensionIds: opts.extensionId } : {}),
  };
}
