/**
 * A data dir copied to another machine (done-when #5, seen from the channel): the daemon still
 * starts and serves, but nothing sealed can be used — the pairing cannot be proven and the
 * status says why — instead of crashing or silently starting over.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlCall } from '../../daemon/src/control/controlClient.js';
import type { MachineIdentity } from '../../daemon/src/keys/machineIdentity.js';
import { openDeviceSide } from '../../daemon/src/openDeviceSide.js';
import { connectPaired, DaemonClient, newInstall, type TestInstall } from '../../dev/daemonClient.js';
import { makeTempDir, startHarnessDaemon } from '../helpers/daemonHarness.js';

const HOME = { machineId: 'a'.repeat(64), uid: 1000, username: 'alice' };
const ELSEWHERE = { machineId: 'b'.repeat(64), uid: 1000, username: 'alice' };
/** The real device side, as on the machine `identity`. */
const onMachine = (identity: MachineIdentity) => (args: Parameters<typeof openDeviceSide>[0]) =>
  openDeviceSide({ ...args, machineIdentity: identity });

let dataDir: string;
let install: TestInstall;

beforeAll(async () => {
  dataDir = await makeTempDir();
  const home = await startHarnessDaemon({
    dataDir,
    preauthorizePairing: true,
    openDeviceSide: onMachine(HOME),
  });
  install = newInstall();
  await (await connectPaired(home, install)).close();
  await home.stop();
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('a data dir from another machine', () => {
  it('should refuse the pairing with the key store reason and report it in status', async () => {
    const copy = await startHarnessDaemon({
      dataDir,
      preauthorizePairing: true,
      openDeviceSide: onMachine(ELSEWHERE),
    });
    try {
      const client = await DaemonClient.connect(copy.url);
      const hello = await client.request('hello', {
        versions: [1],
        installId: install.installId,
        client: { browser: 'chrome', extensionVersion: '0.1.0' },
      });
      expect(hello).toMatchObject({ ok: false, error: { code: 'ERR_KEYSTORE_WRONG_MACHINE' } });
      await client.close();
      const status = (await controlCall(dataDir, { op: 'status' })) as {
        daemon: { running: boolean };
        device: { error?: { code: string } };
      };
      expect(status.daemon.running).toBe(true);
      expect(JSON.stringify(status)).toContain('ERR_KEYSTORE_WRONG_MACHINE');
    } finally {
      await copy.stop();
    }
  });

  it('should work again when the data dir is back on its own machine', async () => {
    const home = await startHarnessDaemon({ dataDir, openDeviceSide: onMachine(HOME) });
    try {
      const client = await connectPaired(home, install);
      expect(await client.call('ping')).toEqual({ pong: true });
      await client.close();
    } finally {
      await home.stop();
    }
  });
});
