/**
 * The one rule of device standing: a device counts for an organisation while it is in that
 * organisation's inventory and not revoked. The sign-in options (deviceSignInAvailability),
 * sign-in and registration verification and Device Trust all ask this function.
 */
import type { Device } from '../store/devices.js';

export type DeviceStanding = 'enrolled' | 'not-enrolled' | 'revoked';

/** The standing of `device` (as read from the inventory, undefined when unknown) in organisation `orgId`. */
export function deviceStanding(device: Pick<Device, 'orgId' | 'revokedAt'> | undefined, orgId: string): DeviceStanding {
  if (!device || device.orgId !== orgId) return 'not-enrolled';
  return device.revokedAt === null ? 'enrolled' : 'revoked';
}
