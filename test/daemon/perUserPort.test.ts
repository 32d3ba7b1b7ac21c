/**
 * The daemon's port is this user's (decision 0041): with no --port it picks a free one and records
 * it in the data dir, comes back on it after a restart, moves when someone else took it, and the
 * native-messaging host (the extension's only way to learn the port) names whichever is current.
 */

import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installNativeHost } from '../../daemon/src/nativeHost/installNativeHost.js';
import { newInstall, TEST_EXTENSION_ID, TEST_EXTENSION_ORIGIN } from '../../dev/daemonClient.js';
import { sourceHostCommand, startHostProcess } from '../../dev/nativeHostProcess.js';
import { makeTempDir } from '../helpers/daemonHarness.js';
import { type CliDaemon, spawnDaemonCli } from '../helpers/spawnDaemonCli.js';

const ARGS = ['--allow-extension', TEST_EXTENSION_ID, '--preauthorize-pairing', '--uv', 'deny'];

/** Asks the daemon's port the way the extension does: through the native host the browser starts. */
async function discoverPort(launcher: string): Promise<number> {
  const host = startHostProcess(launcher, [`${TEST_EXTENSION_ORIGIN}/`]);
  try {
    host.send({ id: 'd', type: 'discover', installId: newInstall().installId });
    const answer = (await host.next((m) => m.id === 'd', 30_000)) as { ok: boolean; result?: { port: number } };
    expect(answer.ok).toBe(true);
    return answer.result!.port;
  } finally {
    await host.close();
  }
}

describe('per-user daemon port', () => {
  let dataDir: string;
  let profileDir: string;
  let launcher: string;
  let daemon: CliDaemon | undefined;
  let squatter: Server | undefined;

  beforeAll(async () => {
    dataDir = await makeTempDir('kb-port-');
    profileDir = await makeTempDir('kb-prof-');
    const [done] = await installNativeHost({
      browsers: ['chromium'],
      userDataDir: profileDir,
      dataDir,
      extensionIds: [TEST_EXTENSION_ID],
      hostCommand: sourceHostCommand(),
    });
    launcher = done!.launcherPath;
  });
  afterAll(async () => {
    await daemon?.stop();
    squatter?.close();
    for (const dir of [dataDir, profileDir]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('should pick a free port, record it, and keep it across restarts; the native host names it', async () => {
    daemon = await spawnDaemonCli(['--data-dir', dataDir, ...ARGS]);
    const first = daemon.port;
    expect(first).toBeGreaterThan(0);
    expect(await readFile(join(dataDir, 'port'), 'utf8')).toBe(`${first}\n`);
    expect(await discoverPort(launcher)).toBe(first);
    expect(await daemon.stop()).toBe(0);

    daemon = await spawnDaemonCli(['--data-dir', dataDir, ...ARGS]);
    expect(daemon.port).toBe(first);
    expect(await daemon.stop()).toBe(0);
  }, 120_000);

  it('should move to a new port when the recorded one is taken, and the native host follows', async () => {
    const recorded = Number(await readFile(join(dataDir, 'port'), 'utf8'));
    squatter = createServer();
    await new Promise<void>((resolve, reject) => {
      squatter!.once('error', reject);
      squatter!.listen(recorded, '127.0.0.1', resolve);
    });
    daemon = await spawnDaemonCli(['--data-dir', dataDir, ...ARGS]);
    expect(daemon.port).not.toBe(recorded);
    expect(daemon.stderr()).toContain('daemon.port_taken');
    expect(await readFile(join(dataDir, 'port'), 'utf8')).toBe(`${daemon.port}\n`);
    expect(await discoverPort(launcher)).toBe(daemon.port);
    expect(await daemon.stop()).toBe(0);
    squatter.close();
  }, 120_000);
});
