/**
 * Device Trust, decided on every use (not only at sign-in), so that revoking a device or deleting
 * a credential takes effect at once. A session is trusted only if it was established by device
 * sign-in, its credential still exists for the session's user and device, and that device is in
 * the user's organisation's inventory and not revoked. Nothing the device says unsigned counts.
 */
import type { SqlRunner } from '../db/PortalDb.js';
import { getCredential } from '../store/credentials.js';
import { getDevice } from '../store/devices.js';
import { credentialKeyProtection, hardwareKeysPolicy } from '../store/keyProtection.js';
import { getOrganisation } from '../store/organisations.js';
import type { Session } from '../store/sessions.js';
import { getUser } from '../store/users.js';

export type TrustReason =
  | 'trusted-device'
  | 'not-signed-in'
  | 'not-device-sign-in'
  | 'credential-deleted'
  | 'device-unknown'
  | 'device-revoked'
  | 'software-key';

export interface TrustDecision {
  /** The session comes from device sign-in on an enrolled, unrevoked device. */
  trusted: boolean;
  /** The organisation has Device Trust on: protected apps need `trusted`. */
  required: boolean;
  reason: TrustReason;
  /** One sentence for the user: why. */
  message: string;
}

const MESSAGES: Record<TrustReason, string> = {
  'trusted-device': 'You signed in with device sign-in from an enrolled device.',
  'not-signed-in': 'You are not signed in.',
  'not-device-sign-in': 'You signed in with your password, not with device sign-in from an enrolled device.',
  'credential-deleted': 'The device sign-in token you used has been deleted.',
  'device-unknown': 'The device you signed in from is not in your organisation’s device inventory.',
  'device-revoked': 'The device you signed in from has been removed from device management by your admin.',
  'software-key':
    'Your organisation requires device sign-in keys kept in a TPM, and the key you signed in with is kept in software. Ask IT to enroll this device with its TPM.',
};

/** Evaluates trust for `session` now. Pure reads; safe to call on every request. */
export async function evaluateDeviceTrust(db: SqlRunner, session: Session | undefined): Promise<TrustDecision> {
  const user = session?.userId ? await getUser(db, session.userId) : undefined;
  const required = user ? ((await getOrganisation(db, user.orgId))?.deviceTrust ?? false) : false;
  const decide = (reason: TrustReason): TrustDecision => ({
    trusted: reason === 'trusted-device',
    required,
    reason,
    message: MESSAGES[reason],
  });
  if (session?.stage !== 'authenticated' || !user) return decide('not-signed-in');
  if (session.method !== 'device' || !session.credentialId || !session.deviceId) return decide('not-device-sign-in');
  const credential = await getCredential(db, session.credentialId);
  if (!credential || credential.userId !== user.id || credential.deviceId !== session.deviceId) {
    return decide('credential-deleted');
  }
  const device = await getDevice(db, session.deviceId);
  if (!device || device.orgId !== user.orgId) return decide('device-unknown');
  if (device.revokedAt !== null) return decide('device-revoked');
  // hardware-keys required: a credential whose key is not attested as in a TPM is not trusted.
  if (
    (await hardwareKeysPolicy(db, user.orgId)) === 'required' &&
    (await credentialKeyProtection(db, credential.id)) !== 'tpm'
  ) {
    return decide('software-key');
  }
  return decide('trusted-device');
}

/**
 * May this session open a protected app? Yes if the organisation's Device Trust is off, or the
 * session is trusted. The decision carries the reason to show when the answer is no.
 */
export async function checkProtectedAccess(
  db: SqlRunner,
  session: Session | undefined,
): Promise<TrustDecision & { allowed: boolean }> {
  const decision = await evaluateDeviceTrust(db, session);
  const signedIn = decision.reason !== 'not-signed-in';
  return { ...decision, allowed: signedIn && (!decision.required || decision.trusted) };
}
