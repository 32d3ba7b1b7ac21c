/**
 * The emulated device profile: `device.json` in the data dir (0600, strict schema, atomic
 * writes). `get` re-reads the file when its mtime or size changed, so `keybound device set …`
 * run in another process applies to a running daemon without a restart.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { JsonStateFile } from '../storage/JsonStateFile.js';
import {
  type DeviceProfile,
  type DeviceProfileSource,
  defaultDeviceProfile,
  deviceProfileSchema,
} from './deviceProfile.js';

export const DEVICE_FILE = 'device.json';

export class EmulatedProfileSource implements DeviceProfileSource {
  readonly kind = 'emulator' as const;
  private readonly file: JsonStateFile<typeof deviceProfileSchema>;
  private cached: { profile: DeviceProfile; stamp: string } | undefined;
  /** Serialises updates inside this process so two changes never overwrite each other. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.file = new JsonStateFile(join(dataDir, DEVICE_FILE), deviceProfileSchema);
  }

  /** The current profile; a missing file is a fresh default device. A damaged file throws ERR_STATE_CORRUPT. */
  async get(): Promise<DeviceProfile> {
    const stamp = await this.stamp();
    if (this.cached && this.cached.stamp === stamp) return structuredClone(this.cached.profile);
    const profile = (await this.file.read()) ?? defaultDeviceProfile();
    this.cached = { profile, stamp };
    return structuredClone(profile);
  }

  async update(change: (profile: DeviceProfile) => DeviceProfile): Promise<DeviceProfile> {
    const run = this.queue.then(async () => {
      const next = deviceProfileSchema.parse(change(await this.get()));
      await this.file.write(next);
      this.cached = { profile: next, stamp: await this.stamp() };
      return structuredClone(next);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * mtime (ns), size and inode: a cheap change detector (every atomic write is a new inode).
   * Synchronous on purpose: a stat takes microseconds, less than the thread-pool hop of the
   * async form, and it runs on every request.
   */
  private async stamp(): Promise<string> {
    try {
      const s = statSync(this.file.path, { bigint: true });
      return `${s.mtimeNs}:${s.size}:${s.ino}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw err;
    }
  }
}
