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

  /**
   * The current profile (deeply frozen, shared by callers); a missing file is a fresh default
   * device. A damaged file throws ERR_STATE_CORRUPT.
   */
  async get(): Promise<DeviceProfile> {
    const stamp = this.stamp();
    if (this.cached && this.cached.stamp === stamp) return this.cached.profile;
    const profile = deepFreeze((await this.file.read()) ?? defaultDeviceProfile());
    this.cached = { profile, stamp };
    return profile;
  }

  async update(change: (profile: DeviceProfile) => DeviceProfile): Promise<DeviceProfile> {
    const run = this.queue.then(async () => {
      const next = deepFreeze(deviceProfileSchema.parse(change(await this.get())));
      await this.file.write(next);
      this.cached = { profile: next, stamp: this.stamp() };
      return next;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * mtime (ns), size and inode: a cheap change detector (every atomic write is a new inode).
   * Synchronous on purpose: a stat takes microseconds, less than the thread-pool hop of the
   * async form, and it runs on every request — so a change made by another process applies to
   * the very next request, with no window a cached check (a timer or fs.watch) would leave.
   */
  private stamp(): string {
    try {
      const s = statSync(this.file.path, { bigint: true });
      return `${s.mtimeNs}:${s.size}:${s.ino}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw err;
    }
  }
}

/**
 * Freezes `value` and everything in it. Why freeze rather than clone per call: a profile is read
 * on every request, and a structuredClone cost more than the stat; frozen, a caller that tried
 * to change it in place would throw instead of corrupting the cache.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
