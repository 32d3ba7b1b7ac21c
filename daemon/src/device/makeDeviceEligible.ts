/**
 * `keybound device make-eligible`: the six steps a developer otherwise types to put an emulated
 * device where a managed user's device is before device sign-in — enrolled (desktop agent by
 * default; an existing enrollment is kept), Protect installed by the organisation, opened once,
 * notifications on, biometrics and a PIN (the work profile's too on an Android work profile),
 * device sign-in on. Steps already done are skipped, so running it twice changes nothing.
 */
import type { EnrollmentType } from '../../../shared/protocol/device.js';
import type { DeviceControl } from './DeviceControl.js';

export async function makeDeviceEligible(
  device: DeviceControl,
  options: { type?: EnrollmentType; organisation?: string } = {},
): Promise<void> {
  let { profile } = await device.show();
  if (profile.enrollment.state !== 'enrolled') {
    await device.enroll({
      type: options.type ?? 'desktop-agent',
      ...(options.organisation ? { organisation: options.organisation } : {}),
    });
  }
  ({ profile } = await device.show());
  if (!profile.protect.installed || profile.protect.source !== 'managed') await device.installProtect('managed');
  ({ profile } = await device.show());
  if (!profile.protect.opened) await device.openProtect();
  if (!profile.protect.notifications) await device.setNotifications(true);
  const uv = ['userVerification.biometrics', 'userVerification.pin'];
  if (profile.enrollment.type === 'android-work-profile') {
    uv.push('userVerification.workProfile.biometrics', 'userVerification.workProfile.pin');
  }
  for (const path of uv) await device.set(path, 'on');
  if (!profile.settings.deviceSignIn) await device.set('settings.deviceSignIn', 'on');
}
