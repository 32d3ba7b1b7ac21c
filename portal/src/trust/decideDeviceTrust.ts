/**
 * Device Trust decided from plain facts (evaluateDeviceTrust reads them from the store). Trusted
 * only when the sign-in was a device sign-in, its credential still exists for the user and the
 * device, that device stands enrolled in the user's organisation, and — where the organisation
 * requires hardware keys — the credential's key is attested as kept in a TPM.
 */
import type { Device } from '../store/devices.js';
import type { HardwareKeysPolicy, KeyProtection } from '../store/keyProtection.js';
import type { SignInMethod } from '../store/sessions.js';
import { deviceStanding } from './deviceStanding.js';

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

/** What trust is decided from. */
export interface TrustFacts {
  /** The signed-in user; undefined when nobody is signed in. */
  user: { id: string; orgId: string } | undefined;
  /** Whether the user's organisation has Device Trust on. */
  required: boolean;
  method: SignInMethod | null;
  /** The credential and device the sign-in used. */
  credentialId: string | null;
  deviceId: string | null;
  /** That credential as stored now (undefined: deleted). */
  credential: { userId: string; deviceId: string } | undefined;
  /** That device as the inventory has it now (undefined: unknown). */
  device: Pick<Device, 'orgId' | 'revokedAt'> | undefined;
  hardwareKeys: HardwareKeysPolicy;
  /** Where the credential's key is kept, as attested at registration. */
  keyProtection: KeyProtection | undefined;
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

export function decideDeviceTrust(facts: TrustFacts): TrustDecision {
  const reason = trustReason(facts);
  return { trusted: reason === 'trusted-device', required: facts.required, reason, message: MESSAGES[reason] };
}

function trustReason(f: TrustFacts): TrustReason {
  if (!f.user) return 'not-signed-in';
  if (f.method !== 'device' || !f.credentialId || !f.deviceId) return 'not-device-sign-in';
  if (!f.credential || f.credential.userId !== f.user.id || f.credential.deviceId !== f.deviceId) {
    return 'credential-deleted';
  }
  const standing = deviceStanding(f.device, f.user.orgId);
  if (standing === 'not-enrolled') return 'device-unknown';
  if (standing === 'revoked') return 'device-revoked';
  if (f.hardwareKeys === 'required' && f.keyProtection !== 'tpm') return 'software-key';
  return 'trusted-device';
}
