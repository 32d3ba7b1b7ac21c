/**
 * Where a newly registered credential key lives, decided from the attestation that
 * @simplewebauthn/server has already verified: `tpm` when the statement is the WebAuthn `tpm`
 * format and its AK certificate (x5c[0]) holds the attestation key this very device activated at
 * enrollment (the inventory's record) — a key certified by another device's AK, or by an AK the
 * device never activated, is refused; `software` for `none`. Never throws.
 */
import { X509Certificate } from 'node:crypto';
import { decodeAttestationObject } from '@simplewebauthn/server/helpers';
import type { DeviceKeyProtection, KeyProtection } from '../../store/keyProtection.js';

export type CredentialProtection = { ok: true; protection: KeyProtection } | { ok: false; message: string };

export function credentialKeyProtection(args: {
  fmt: string;
  attestationObject: Uint8Array;
  device: DeviceKeyProtection;
}): CredentialProtection {
  if (args.fmt === 'none') return { ok: true, protection: 'software' };
  if (args.fmt !== 'tpm') return { ok: false, message: `Attestation format "${args.fmt}", expected "tpm" or "none"` };
  if (!args.device.akPublicJwk) {
    return {
      ok: false,
      message:
        'The key is certified by a TPM attestation key this device never activated with the portal; enroll the device again',
    };
  }
  let certifiedBy: JsonWebKey;
  try {
    const x5c = decodeAttestationObject(new Uint8Array(args.attestationObject)).get('attStmt').get('x5c') as
      | Uint8Array[]
      | undefined;
    if (!x5c?.[0]) return { ok: false, message: 'The tpm attestation carries no attestation key certificate' };
    certifiedBy = new X509Certificate(x5c[0]).publicKey.export({ format: 'jwk' }) as JsonWebKey;
  } catch {
    return { ok: false, message: 'The tpm attestation does not parse' };
  }
  if (certifiedBy.x !== args.device.akPublicJwk.x || certifiedBy.y !== args.device.akPublicJwk.y) {
    return { ok: false, message: "The key is certified by another device's TPM attestation key, not this device's" };
  }
  return { ok: true, protection: 'tpm' };
}

/** The sentence IT can act on when a software key meets `hardware-keys required`. */
export const HARDWARE_KEYS_REQUIRED_MESSAGE =
  "Your organisation requires device sign-in keys to be kept in a TPM (hardware keys: required), and this device's keys are in software. " +
  'IT: run the Keybound daemon with its TPM key store (keybound daemon --key-store tpm) and enroll the device again, ' +
  'or allow software keys with: keybound admin org set hardware-keys preferred';
