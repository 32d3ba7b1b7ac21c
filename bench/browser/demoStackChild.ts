/**
 * Child-process entry for the browser benchmark: runs the demo stack (dev/startDemoStack.ts:
 * portal, and the daemon with `--uv auto`, an enrolled emulated device and pairing pre-authorised)
 * in its own process, as portal and daemon run for users, so the benchmark process's Playwright
 * work never delays them. Prints one JSON line (StackInfo) on stdout once ready; stops when
 * stdin closes or on SIGTERM.
 *
 *   node --import tsx bench/browser/demoStackChild.ts <dataRoot>
 */
import { join } from 'node:path';
import { startDemoStack } from '../../dev/startDemoStack.js';
import { silentLogger } from '../../shared/node/createLogger.js';

export interface StackInfo {
  portalOrigin: string;
  dbFile: string;
  daemonPort: number;
  daemonUrl: string;
  /** The daemon's data dir: the browser's native-messaging host is installed for it. */
  daemonDataDir: string;
  email: string;
  password: string;
  totpSecret: string;
  deviceId: string;
}

async function main(): Promise<void> {
  const dataRoot = process.argv[2];
  if (!dataRoot) throw new Error('usage: demoStackChild.ts <dataRoot>');
  const stack = await startDemoStack({ uv: 'auto', dataRoot, logger: silentLogger() });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void stack.close().finally(() => process.exit(0));
  };
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  const info: StackInfo = {
    portalOrigin: stack.portal.origin,
    dbFile: join(dataRoot, 'portal.db'),
    daemonPort: stack.daemon.port,
    daemonUrl: stack.daemon.url,
    daemonDataDir: stack.daemon.dataDir,
    email: stack.user.email,
    password: stack.user.password,
    totpSecret: stack.user.totpSecret,
    deviceId: stack.device.deviceId,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
