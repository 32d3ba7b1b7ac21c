/**
 * `npm start`: builds the extension if stale, starts the portal (seeded demo organisation, user,
 * TOTP secret and apps), the demo SSO apps and the daemon (emulated device enrolled in the
 * portal's inventory, Protect ready and asking the user), prints everything needed to try it,
 * and opens Chromium with the extension at the portal where a display exists. State lives in
 * `.keybound-dev/` in the repository, so a restart keeps the device's registration.
 * Ctrl-C or SIGTERM stops everything.
 *
 *   npm start [-- --portal-port 8080] [-- --daemon-port 28170] [-- --data-dir DIR] [-- --no-browser]
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BrowserContext } from 'playwright-core';
import { ensureExtensionBuilt, REPO_ROOT } from '../dev/buildExtension.js';
import { type DemoStack, startDemoStack } from '../dev/startDemoStack.js';
import { DEFAULT_PORTAL_PORT } from '../portal/src/cli/registerPortalCommands.js';
import { DEFAULT_DAEMON_PORT } from '../shared/protocol/version.js';
import { type DescribeOptions, describeDemoStack } from './lib/describeDemoStack.js';
import { findBrowser, hasDisplay, openDemoBrowser } from './lib/openDemoBrowser.js';

function port(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new Error(`${flag} must be a port number, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'portal-port': { type: 'string' },
      'daemon-port': { type: 'string' },
      'data-dir': { type: 'string' },
      'no-browser': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const dataRoot = resolve(values['data-dir'] ?? join(REPO_ROOT, '.keybound-dev'));
  const portalPort = port(values['portal-port'], DEFAULT_PORTAL_PORT, '--portal-port');
  const daemonPort = port(values['daemon-port'], DEFAULT_DAEMON_PORT, '--daemon-port');

  process.stdout.write('Building the extension if needed…\n');
  const extensionDir = await ensureExtensionBuilt();
  let stack: DemoStack;
  try {
    stack = await startDemoStack({ dataRoot, portalPort, daemonPort, uv: 'protect' });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { port?: number };
    if (e.code === 'EADDRINUSE' || e.code === 'ERR_ADDRESS_IN_USE' || /in use/i.test(e.message)) {
      throw new Error(
        `${e.message}\nA port is taken (portal ${portalPort}, daemon ${daemonPort}): is Keybound already running? ` +
          'Stop it, or pick other ports with --portal-port N --daemon-port N.',
      );
    }
    throw err;
  }

  let browser: BrowserContext | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping…\n`);
    await browser?.close().catch(() => {});
    await stack.close();
    process.stdout.write('Stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  let outcome: DescribeOptions['browser'];
  const executable = findBrowser();
  if (values['no-browser']) outcome = { opened: false, reason: '--no-browser' };
  else if (!hasDisplay()) outcome = { opened: false, reason: 'no display: neither DISPLAY nor WAYLAND_DISPLAY is set' };
  else if (!executable) outcome = { opened: false, reason: 'no Chromium or Chrome found; set KEYBOUND_CHROMIUM' };
  else {
    try {
      browser = await openDemoBrowser({
        executablePath: executable,
        extensionDir,
        profileDir: join(dataRoot, 'chromium-profile'),
        portalOrigin: stack.portal.origin,
        daemonPort: stack.daemon.port,
        daemonDataDir: stack.daemon.dataDir,
      });
      outcome = { opened: true, executable };
      browser.on('close', () => {
        browser = undefined;
        if (!stopping) process.stdout.write('The browser was closed; the servers keep running (Ctrl-C stops them).\n');
      });
    } catch (err) {
      outcome = { opened: false, reason: `could not open ${executable}: ${(err as Error).message.split('\n')[0]}` };
    }
  }
  process.stdout.write(describeDemoStack(stack, { root: REPO_ROOT, extensionDir, browser: outcome }));
}

main().catch((err: unknown) => {
  process.stderr.write(`npm start failed: ${(err as Error).message}\n`);
  process.exit(1);
});
