/**
 * Starts a real daemon for browser tests: port 0, a temporary data dir, the emulated device,
 * the extension's pinned id allow-listed, and (by default) `--uv auto` with pre-authorised
 * pairing, so no Protect window needs answering. `close()` stops it and removes the data dir.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTENSION_ID } from '../../extension/src/extensionId.js';
import { createLogger } from '../../shared/node/createLogger.js';

export interface TestDaemon {
  port: number;
  dataDir: string;
  close(): Promise<void>;
}

export async function startTestDaemon(
  options: {
    uv?: 'auto' | 'protect';
    preauthorizePairing?: boolean;
    /** Start with an emulated device that meets every prerequisite (enrolled, Protect ready). */
    eligible?: boolean;
    logLevel?: string;
  } = {},
): Promise<TestDaemon> {
  const { startDaemon } = await import('../../daemon/src/startDaemon.js');
  const dataDir = await mkdtemp(join(tmpdir(), 'keybound-daemon-'));
  try {
    if (options.eligible) {
      const { EmulatedProfileSource } = await import('../../daemon/src/device/EmulatedProfileSource.js');
      const { eligibleDeviceProfile } = await import('../../daemon/src/device/deviceProfile.js');
      await new EmulatedProfileSource(dataDir).update(() => eligibleDeviceProfile());
    }
    const daemon = await startDaemon({
      port: 0,
      dataDir,
      uv: options.uv ?? 'auto',
      allowExtensions: [EXTENSION_ID],
      preauthorizePairing: options.preauthorizePairing ?? true,
      logger: createLogger('daemon', { level: options.logLevel ?? process.env.KEYBOUND_TEST_LOG_LEVEL ?? 'silent' }),
    });
    return {
      port: daemon.port,
      dataDir,
      close: async () => {
        await daemon.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}
