/**
 * The one way tests, benchmarks and `npm start` start a daemon in this process: `startDaemon` on
 * port 0 in a fresh temporary data dir (short path: a unix socket path must stay under ~100
 * bytes), `--uv auto`, the test extension id allow-listed and a silent logger unless the caller
 * says otherwise. `eligible: true` first puts the emulated device in the state every
 * prerequisite accepts. `stop()` closes the daemon and removes the data dir it made.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eligibleDeviceProfile } from '../daemon/src/device/deviceProfile.js';
import { EmulatedProfileSource } from '../daemon/src/device/EmulatedProfileSource.js';
import { type RunningDaemon, type StartDaemonOptions, startDaemon } from '../daemon/src/startDaemon.js';
import { createLogger } from '../shared/node/createLogger.js';
import { TEST_EXTENSION_ID } from './daemonClient.js';

export interface DevDaemonOptions extends Partial<StartDaemonOptions> {
  /** Start with an emulated device that meets every prerequisite (enrolled, Protect ready). */
  eligible?: boolean;
}

export interface DevDaemon extends RunningDaemon {
  /** Closes the daemon and removes its data dir (unless the caller passed `dataDir`). */
  stop(): Promise<void>;
}

/** A fresh temporary folder with a short path (unix socket paths are limited to ~100 bytes). */
export async function makeTempDir(prefix = 'kb-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function startDevDaemon(options: DevDaemonOptions = {}): Promise<DevDaemon> {
  const { eligible, ...startOptions } = options;
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await makeTempDir());
  const removeOwnDir = () => (ownDir ? rm(dataDir, { recursive: true, force: true }) : Promise.resolve());
  try {
    if (eligible) await new EmulatedProfileSource(dataDir).update(() => eligibleDeviceProfile());
    const daemon = await startDaemon({
      port: 0,
      uv: 'auto',
      allowExtensions: [TEST_EXTENSION_ID],
      logger: createLogger('daemon', { level: process.env.KEYBOUND_TEST_LOG_LEVEL ?? 'silent' }),
      ...startOptions,
      dataDir,
    });
    return {
      ...daemon,
      async stop() {
        await daemon.close();
        await removeOwnDir();
      },
    };
  } catch (err) {
    await removeOwnDir();
    throw err;
  }
}
