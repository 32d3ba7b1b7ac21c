/**
 * Puts an emulated device into the state a managed user's device is in before device sign-in:
 * enrolled (desktop agent), Protect installed by the organisation, opened once, notifications
 * on, biometrics and a PIN — so every registration prerequisite passes.
 */
import type { DeviceControl } from '../../daemon/src/device/DeviceControl.js';

export async function makeDeviceEligible(device: DeviceControl): Promise<void> {
  await device.enroll({ type: 'desktop-agent', organisation: 'Acme' });
  await device.installProtect('managed');
  await device.openProtect();
  await device.setNotifications(true);
  await device.set('userVerification.biometrics', 'true');
  await device.set('userVerification.pin', 'true');
}
