/**
 * The host device profile: enrollment and platform come from the OS (probeHostEnrollment,
 * cached briefly because `profiles`/`dsregcmd` take a while); Protect's state, user
 * verification and settings stay in device.json, because on a desktop Protect is the daemon's
 * own (emulated or OS-prompt) front-end. The identity key and device id of an enrollment made
 * through `keybound device enroll --portal` are kept from device.json.
 */

import type { DeviceProfile, DeviceProfileSource } from '../deviceProfile.js';
import { EmulatedProfileSource } from '../EmulatedProfileSource.js';
import type { HostEnrollment } from './HostEnrollment.js';
import { probeHostEnrollment } from './probeHostEnrollment.js';

const CACHE_MS = 30_000;

export class HostProfileSource implements DeviceProfileSource {
  readonly kind = 'host' as const;
  private readonly file: EmulatedProfileSource;
  private cached: { at: number; enrollment: HostEnrollment } | undefined;

  constructor(
    dataDir: string,
    private readonly probe: () => Promise<HostEnrollment> = () => probeHostEnrollment(),
    private readonly platform: NodeJS.Platform = process.platform,
    private readonly clock: () => number = Date.now,
  ) {
    this.file = new EmulatedProfileSource(dataDir);
  }

  async get(): Promise<DeviceProfile> {
    return this.merge(await this.file.get());
  }

  async update(change: (profile: DeviceProfile) => DeviceProfile): Promise<DeviceProfile> {
    return this.merge(await this.file.update(change));
  }

  /** The last probe's explanation, for `keybound device show`. */
  async enrollmentReason(): Promise<string> {
    return (await this.hostEnrollment()).reason;
  }

  private async merge(stored: DeviceProfile): Promise<DeviceProfile> {
    const host = await this.hostEnrollment();
    const { deviceId, identityKeyRef, portal, enrolledAt } = stored.enrollment;
    return {
      ...stored,
      platform: this.platform === 'darwin' ? 'macos' : this.platform === 'win32' ? 'windows' : 'linux',
      enrollment: {
        state: host.state,
        ...(host.type ? { type: host.type } : {}),
        ...(host.organisation ? { organisation: host.organisation } : {}),
        ...(deviceId ? { deviceId } : {}),
        ...(identityKeyRef ? { identityKeyRef } : {}),
        ...(portal ? { portal } : {}),
        ...(enrolledAt ? { enrolledAt } : {}),
      },
    };
  }

  private async hostEnrollment(): Promise<HostEnrollment> {
    const now = this.clock();
    if (!this.cached || now - this.cached.at > CACHE_MS) this.cached = { at: now, enrollment: await this.probe() };
    return this.cached.enrollment;
  }
}
