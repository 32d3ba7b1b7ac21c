/**
 * Which of a user's device sign-in credentials the portal would accept now, and, when it would
 * accept none of the ones the user has, why — known before anyone asks Protect. A credential
 * counts only while its device is in the inventory of the user's organisation and not revoked.
 * The reason is shown in the sign-in tab and on the home page instead of a Protect prompt that
 * could only end in a refusal.
 */
import type { SqlRunner } from '../db/PortalDb.js';
import { listCredentials, type StoredCredential } from '../store/credentials.js';
import { getDevice } from '../store/devices.js';
import type { User } from '../store/users.js';
import { deviceStanding } from './deviceStanding.js';

export interface DeviceSignInRefusal {
  code: 'ERR_DEVICE_REVOKED' | 'ERR_DEVICE_NOT_ENROLLED';
  message: string;
}

export interface DeviceSignInAvailability {
  /** The credentials worth offering in `allowCredentials`. */
  usable: StoredCredential[];
  /** Set when the user has credentials and none is usable. */
  refusal?: DeviceSignInRefusal;
}

export const DEVICE_REVOKED_MESSAGE =
  'Device sign-in is not available: your admin removed your device from device management. Ask IT to enroll it again; until then, log in with your password.';
export const DEVICE_NOT_ENROLLED_MESSAGE =
  'Device sign-in is not available: your device is no longer in your organisation’s device inventory. Ask IT to enroll it again; until then, log in with your password.';

export async function deviceSignInAvailability(db: SqlRunner, user: User): Promise<DeviceSignInAvailability> {
  const credentials = await listCredentials(db, { userId: user.id });
  const standing = [];
  for (const c of credentials) standing.push({ c, state: deviceStanding(await getDevice(db, c.deviceId), user.orgId) });
  const usable = standing.filter((s) => s.state === 'enrolled').map((s) => s.c);
  if (credentials.length === 0 || usable.length > 0) return { usable };
  const refusal: DeviceSignInRefusal = standing.some((s) => s.state === 'revoked')
    ? { code: 'ERR_DEVICE_REVOKED', message: DEVICE_REVOKED_MESSAGE }
    : { code: 'ERR_DEVICE_NOT_ENROLLED', message: DEVICE_NOT_ENROLLED_MESSAGE };
  return { usable, refusal };
}
