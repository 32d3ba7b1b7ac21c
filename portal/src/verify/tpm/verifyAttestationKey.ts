/**
 * Checks an attestation key's public area before the portal activates it: a P-256 ECDSA-SHA256
 * key that the TPM generated (sensitiveDataOrigin), that cannot leave it (fixedTPM, fixedParent)
 * and that signs only TPM-made structures (restricted, sign, not decrypt). Never throws.
 */
import { TPM_ALG_ECDSA, TPM_ALG_SHA256, TPMA } from '../../../../shared/tpm/constants.js';
import { eccPublicJwk, objectName, parsePublicArea } from '../../../../shared/tpm/publicArea.js';

const REQUIRED = TPMA.fixedTPM | TPMA.fixedParent | TPMA.sensitiveDataOrigin | TPMA.restricted | TPMA.sign;

export type AkVerification =
  | { verified: true; name: Uint8Array; publicJwk: JsonWebKey }
  | { verified: false; message: string };

export function verifyAttestationKey(publicArea: Uint8Array): AkVerification {
  let area: ReturnType<typeof parsePublicArea>;
  let publicJwk: JsonWebKey;
  try {
    area = parsePublicArea(publicArea);
    publicJwk = eccPublicJwk(area);
  } catch (err) {
    return { verified: false, message: `The attestation key is not a TPM P-256 key: ${(err as Error).message}` };
  }
  if ((area.attributes & REQUIRED) !== REQUIRED || area.attributes & TPMA.decrypt) {
    return {
      verified: false,
      message: `The attestation key's attributes 0x${area.attributes.toString(16)} lack fixedTPM, fixedParent, sensitiveDataOrigin, restricted or sign (or allow decrypt)`,
    };
  }
  if (area.scheme.alg !== TPM_ALG_ECDSA || area.scheme.hashAlg !== TPM_ALG_SHA256) {
    return { verified: false, message: 'The attestation key does not sign with ECDSA-SHA256' };
  }
  return { verified: true, name: objectName(publicArea), publicJwk };
}
