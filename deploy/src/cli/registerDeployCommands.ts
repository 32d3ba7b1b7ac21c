/**
 * Registers `keybound extension pack|policy`: IT's tools for a self-hosted, force-installed
 * extension. Actions import their implementation lazily so `keybound --help` stays fast.
 */
import { type Command, InvalidArgumentError } from 'commander';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new InvalidArgumentError(`expected 1–65535, got "${value}"`);
  return n;
}

/** Registers `extension pack` and `extension policy`. */
export function registerDeployCommands(program: Command): void {
  const extension = program
    .command('extension')
    .description('pack the Chrome extension as a signed CRX and write the IT policy that force-installs it');

  extension
    .command('pack')
    .description('build the extension, sign it as CRX3 with your key, and write keybound.crx + updates.xml')
    .requiredOption('--key <file>', 'RSA private key (PEM) that signs the CRX; it decides the extension id')
    .requiredOption(
      '--out <dir>',
      'folder for keybound.crx and updates.xml (serve it: keybound portal --extension-dir)',
    )
    .requiredOption('--base-url <url>', 'URL where the folder is served, e.g. https://portal.example.com/extension')
    .option('--from <dir>', 'pack this built extension folder instead of building (extension/dist/chrome)')
    .option('--new-key', 'create --key if it does not exist (mode 0600)')
    .action(async (o: { key: string; out: string; baseUrl: string; from?: string; newKey?: boolean }) => {
      const { runPack } = await import('./runDeployActions.js');
      process.exitCode = await runPack(o);
    });

  extension
    .command('policy')
    .description(
      'write force-install + managed-configuration policy for Chrome, Chromium and Edge (Linux, macOS, Windows)',
    )
    .requiredOption('--id <id>', 'the extension id (printed by extension pack)')
    .requiredOption('--update-url <url>', 'the updates.xml URL (printed by extension pack)')
    .requiredOption('--out <dir>', 'folder for the policy files')
    .option('--portal-origin <origin>', 'a User Portal origin (repeatable)', collect)
    .option('--sso-login-origin <origin>', 'an SSO login page origin (repeatable)', collect)
    .option(
      '--daemon-port <n>',
      'obsolete: the extension asks its native host for the daemon port (decision 0041)',
      port,
    )
    .option('--pairing-preauthorized', 'tell users IT pre-authorised pairing (the daemon config decides)')
    .option('--organisation <name>', 'shown in the macOS profile', 'Your organisation')
    .action(
      async (o: {
        id: string;
        updateUrl: string;
        out: string;
        portalOrigin?: string[];
        ssoLoginOrigin?: string[];
        daemonPort?: number;
        pairingPreauthorized?: boolean;
        organisation: string;
      }) => {
        const { runPolicy } = await import('./runDeployActions.js');
        process.exitCode = await runPolicy(o);
      },
    );
}
