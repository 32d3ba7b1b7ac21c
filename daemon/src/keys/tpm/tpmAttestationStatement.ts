/**
 * The WebAuthn `tpm` attestation statement (WebAuthn §8.3) for a credential key in the TPM: the
 * device's attestation key certifies the new key (TPM2_Certify) with extraData = SHA-256(authData
 * ‖ clientDataHash), so the statement is bound to this very registration. x5c carries the AK
 * certificate the portal issued when it activated the AK against the EK.
 */
import { createHash } from 'node:crypto';
import type { CBORType } from '@levischuck/tiny-cbor';
import type { AttestationStatement } from '../../../../shared/webauthn/encodeAttestationObject.js';
import { rawSignatureToDer } from '../../../../shared/webauthn/rawSignatureToDer.js';
import { TpmAttestation } from './TpmAttestation.js';
import type { TpmKeyStore } from './TpmKeyStore.js';

export function tpmAttestationStatement(args: {
  store: TpmKeyStore;
  keyRef: string;
  attestationKeyRef: string;
  attestationCertificate: Uint8Array;
}): (authData: Uint8Array, clientDataHash: Uint8Array) => Promise<AttestationStatement> {
  return async (authData, clientDataHash) => {
    const extraData = createHash('sha256').update(authData).update(clientDataHash).digest();
    const { publicArea, certifyInfo, signature } = await new TpmAttestation(args.store).certify(
      args.keyRef,
      args.attestationKeyRef,
      extraData,
    );
    const attStmt = new Map<string, CBORType>([
      ['ver', '2.0'],
      ['alg', -7],
      ['x5c', [args.attestationCertificate]],
      ['sig', rawSignatureToDer(signature)],
      ['certInfo', certifyInfo],
      ['pubArea', publicArea],
    ]);
    return { fmt: 'tpm', attStmt };
  };
}
