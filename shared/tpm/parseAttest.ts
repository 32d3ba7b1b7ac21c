/**
 * TPMS_ATTEST of a TPM2_Certify (TPM_ST_ATTEST_CERTIFY): what an attestation key signed about
 * another key. The portal checks magic, type, extraData (what the certification was bound to)
 * and the certified key's name.
 */
import { TPM_GENERATED_VALUE, TPM_ST_ATTEST_CERTIFY } from './constants.js';
import { TpmFormatError, TpmReader } from './TpmBuffer.js';

export interface ParsedCertifyInfo {
  qualifiedSigner: Uint8Array;
  extraData: Uint8Array;
  /** The certified object's name (nameAlg ‖ digest of its public area). */
  name: Uint8Array;
}

export function parseCertifyInfo(bytes: Uint8Array): ParsedCertifyInfo {
  const r = new TpmReader(bytes, 'TPM certification (TPMS_ATTEST)');
  const magic = r.u32();
  if (magic !== TPM_GENERATED_VALUE)
    throw new TpmFormatError(`TPMS_ATTEST magic 0x${magic.toString(16)}, expected 0xff544347`);
  const type = r.u16();
  if (type !== TPM_ST_ATTEST_CERTIFY)
    throw new TpmFormatError(`TPMS_ATTEST type 0x${type.toString(16)}, expected TPM_ST_ATTEST_CERTIFY (0x8017)`);
  const qualifiedSigner = r.sized();
  const extraData = r.sized();
  r.bytes(17); // clockInfo: clock, resetCount, restartCount, safe
  r.u64(); // firmwareVersion
  const name = r.sized();
  r.sized(); // qualifiedName
  r.end();
  return { qualifiedSigner, extraData, name };
}
