/** Tests start from an eligible emulated device in organisation "Acme" (see `keybound device make-eligible`). */
import type { DeviceControl } from '../daemon/src/device/DeviceControl.js';
import { makeDeviceEligible as makeEligible } from '../daemon/src/device/makeDeviceEligible.js';

export function makeDeviceEligible(device: DeviceControl): Promise<void> {
  return makeEligible(device, { organisation: 'Acme' });
}
