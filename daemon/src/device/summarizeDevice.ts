/** Reduces the daemon's device profile to the protocol's DeviceSummary (what `status` reports). */
import type { DeviceSummary } from '../../../shared/protocol/device.js';
import type { DeviceProfile } from './deviceProfile.js';
import { isProtectManaged } from './prerequisites/Prerequisite.js';

export function summarizeDevice(profile: DeviceProfile): DeviceSummary {
  const { enrollment, protect, userVerification } = profile;
  // On an Android work profile, the work profile's own user verification is what counts.
  const uv = enrollment.type === 'android-work-profile' ? userVerification.workProfile : userVerification;
  return {
    platform: profile.platform,
    enrollment: {
      state: enrollment.state,
      ...(enrollment.type ? { type: enrollment.type } : {}),
      ...(enrollment.organisation ? { organisation: enrollment.organisation } : {}),
      ...(enrollment.deviceId ? { deviceId: enrollment.deviceId } : {}),
    },
    protect: {
      installed: protect.installed,
      managed: isProtectManaged(profile),
      opened: protect.opened,
      notifications: protect.notifications,
    },
    userVerification: { biometrics: uv.biometrics, pin: uv.pin },
    deviceSignIn: profile.settings.deviceSignIn,
  };
}
