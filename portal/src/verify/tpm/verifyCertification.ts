/**
 * Verifies a TPM2_Certify made by a device's attestation key: the AK's signature over certifyInfo
 * (ECDSA-SHA256, raw r‖s), certifyInfo is a TPM-generated TPM_ST_ATTEST_CERTIFY naming exactly the
 * public area shown, bound to `expectedExtraData`, and the certified key is itself fixedTPM,
 * fixedParent, sensitiveDataOrigin and a P-256 signing key. Never throws.
 */
import { createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import { TPMA } from '../../../../shared/tpm/constants.js';
import { parseCertifyInfo } from '../../../../shared/tpm/parseAttest.js';
import { eccPublicJwk, objectName, parsePublicArea } from '../../../../shared/tpm/publicArea.js';

const REQUIRED = TPMA.fixedTPM | TPMA.fixedParent | TPMA.sensitiveDataOrigin | TPMA.sign;

export type CertificationResult = { verified: true; publicJwk: JsonWebKey } | { verified: false; message: string };

export function verifyCertification(args: {
  akPublicJwk: JsonWebKey;
  publicArea: Uint8Array;
  certifyInfo: Uint8Array;
  signature: Uint8Array;
  expectedExtraData: Uint8Array;
}): CertificationResult {
  const ak = createPublicKey({ key: args.akPublicJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  if (!verify('sha256', args.certifyInfo, { key: ak, dsaEncoding: 'ieee-p1363' }, args.signature)) {
    return { verified: false, message: "The key's certification is not signed by this device's attestation key" };
  }
  let info: ReturnType<typeof parseCertifyInfo>;
  let area: ReturnType<typeof parsePublicArea>;
  let publicJwk: JsonWebKey;
  try {
    info = parseCertifyInfo(args.certifyInfo);
    area = parsePublicArea(args.publicArea);
    publicJwk = eccPublicJwk(area);
  } catch (err) {
    return { verified: false, message: `The key's certification does not parse: ${(err as Error).message}` };
  }
  if (!equal(info.name, objectName(args.publicArea))) {
    return { verified: false, message: 'The certification names another key than the one shown' };
  }
  if (!equal(info.extraData, args.expectedExtraData)) {
    return { verified: false, message: 'The certification was made for another request (extraData differs)' };
  }
  if ((area.attributes & REQUIRED) !== REQUIRED) {
    return {
      verified: false,
      message: `The certified key's attributes 0x${area.attributes.toString(16)} allow it to leave the TPM or not sign`,
    };
  }
  return { verified: true, publicJwk };
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}
