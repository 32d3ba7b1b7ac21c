/**
 * Channel tests: starts a real daemon on port 0 in a fresh temp data dir for a test, and cleans both up.
 * By default it uses the in-memory fake device side; pass `openDeviceSide` for the real one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningDaemon, type StartDaemonOptions, startDaemon } from '../../daemon/src/startDaemon.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { TEST_EXTENSION_ID } from './daemonClient.js';
import { fakeDeviceSide } from './fakeDeviceSide.js';

export interface HarnessDaemon extends RunningDaemon {
  /** Stops the daemon and removes its data dir. */
  stop(): Promise<void>;
}

export async function makeTempDir(prefix = 'kb-'): Promise<string> {
  // Short paths: a unix socket path must stay under ~100 bytes.
  return mkdtemp(join(tmpdir(), prefix));
}

export async function startHarnessDaemon(options: Partial<StartDaemonOptions> = {}): Promise<HarnessDaemon> {
  const dataDir = options.dataDir ?? (await makeTempDir());
  const daemon = await startDaemon({
    port: 0,
    uv: 'auto',
    allowExtensions: [TEST_EXTENSION_ID],
    logger: silentLogger(),
    openDeviceSide: fakeDeviceSide().open,
    ...options,
    dataDir,
  });
  return {
    ...daemon,
    async stop() {
      await daemon.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
