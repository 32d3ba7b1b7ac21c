/**
 * The TPM's part of enrollment (decision 0061): reads the EK certificate, creates the attestation
 * key, has it certify the device identity key (extraData = SHA-256("keybound-enroll-v1" ‖
 * token), binding the certification to this enrollment), and later runs ActivateCredential on
 * the portal's challenge. Returns the AK's ref so the profile can keep it.
 */
import { createHash } from 'node:crypto';
import { fromBase64url, toBase64url } from '../../../shared/webauthn/base64url.js';
import { TpmAttestation } from '../keys/tpm/TpmAttestation.js';
import type { TpmKeyStore } from '../keys/tpm/TpmKeyStore.js';
import type { TpmEnrollmentProof } from './enrollWithPortal.js';

export function enrollmentExtraData(token: string): Uint8Array {
  return createHash('sha256').update('keybound-enroll-v1').update(token).digest();
}

export async function tpmEnrollment(
  store: TpmKeyStore,
  identityKeyRef: string,
): Promise<{ proof: TpmEnrollmentProof; attestationKeyRef: string; discard(): Promise<void> }> {
  const att = new TpmAttestation(store);
  const ak = await att.createAttestationKey();
  return {
    attestationKeyRef: ak.ref,
    discard: () => store.delete(ak.ref),
    proof: {
      async evidence(token) {
        const certified = await att.certify(identityKeyRef, ak.ref, enrollmentExtraData(token));
        return {
          ekCertificate: toBase64url(await att.ekCertificate()),
          akPublicArea: toBase64url(ak.publicArea),
          identityPublicArea: toBase64url(certified.publicArea),
          identityCertifyInfo: toBase64url(certified.certifyInfo),
          identitySignature: toBase64url(certified.signature),
        };
      },
      async activate(challenge) {
        const secret = await att.activate(
          ak.ref,
          fromBase64url(challenge.credentialBlob),
          fromBase64url(challenge.encryptedSecret),
        );
        return toBase64url(secret);
      },
    },
  };
}
