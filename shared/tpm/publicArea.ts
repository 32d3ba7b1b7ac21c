/**
 * TPMT_PUBLIC: the templates Keybound asks a TPM to create keys from, and a strict parser for
 * public areas that come back from a TPM, a key file or a device (the portal parses the AK's).
 * Only what Keybound uses is understood: ECC P-256 keys and RSA keys (the RSA EK); anything else
 * is refused with a TpmFormatError.
 */
import { createHash } from 'node:crypto';
import {
  TPM_ALG_AES,
  TPM_ALG_CFB,
  TPM_ALG_ECC,
  TPM_ALG_ECDSA,
  TPM_ALG_NULL,
  TPM_ALG_RSA,
  TPM_ALG_SHA256,
  TPM_ECC_NIST_P256,
  TPMA,
} from './constants.js';
import { TpmFormatError, TpmReader, TpmWriter } from './TpmBuffer.js';

export interface ParsedPublicArea {
  type: 'ecc' | 'rsa';
  nameAlg: number;
  attributes: number;
  authPolicy: Uint8Array;
  /** The symmetric algorithm of a storage/EK key (TPM_ALG_NULL for signing keys). */
  symmetric: { alg: number; keyBits?: number; mode?: number };
  scheme: { alg: number; hashAlg?: number };
  curve?: number;
  /** ECC: x and y (32 bytes each for P-256). */
  ecc?: { x: Uint8Array; y: Uint8Array };
  /** RSA: modulus and exponent (0 means 65537). */
  rsa?: { keyBits: number; exponent: number; modulus: Uint8Array };
}

/**
 * A P-256 signing key. The attestation key (restricted) fixes its scheme, ECDSA-SHA256, as a
 * restricted key must. Credential and identity keys leave the scheme NULL and name ECDSA-SHA256
 * at each TPM2_Sign, as Windows' TPM keys do: WebAuthn verifiers (@simplewebauthn/server's
 * parsePubArea among them) read the `tpm` statement's pubArea with a NULL scheme.
 */
export function eccSigningTemplate(attributes: number): Uint8Array<ArrayBuffer> {
  const restricted = (attributes & TPMA.restricted) !== 0;
  const w = new TpmWriter()
    .u16(TPM_ALG_ECC)
    .u16(TPM_ALG_SHA256)
    .u32(attributes)
    .sized(new Uint8Array(0))
    .u16(TPM_ALG_NULL); // symmetric
  if (restricted) w.u16(TPM_ALG_ECDSA).u16(TPM_ALG_SHA256);
  else w.u16(TPM_ALG_NULL);
  return w
    .u16(TPM_ECC_NIST_P256)
    .u16(TPM_ALG_NULL) // kdf
    .sized(new Uint8Array(0))
    .sized(new Uint8Array(0))
    .toBytes();
}

/**
 * The storage root key: the TCG Provisioning Guidance's ECC P-256 SRK template. Being a primary
 * key, it is derived from the TPM's storage seed each time it is created, so the same TPM always
 * gives the same SRK and no other TPM can give it: the key blobs on disk only load under it.
 */
export function eccStorageTemplate(): Uint8Array<ArrayBuffer> {
  return new TpmWriter()
    .u16(TPM_ALG_ECC)
    .u16(TPM_ALG_SHA256)
    .u32(
      TPMA.fixedTPM |
        TPMA.fixedParent |
        TPMA.sensitiveDataOrigin |
        TPMA.userWithAuth |
        TPMA.noDA |
        TPMA.restricted |
        TPMA.decrypt,
    )
    .sized(new Uint8Array(0))
    .u16(TPM_ALG_AES)
    .u16(128)
    .u16(TPM_ALG_CFB)
    .u16(TPM_ALG_NULL) // scheme
    .u16(TPM_ECC_NIST_P256)
    .u16(TPM_ALG_NULL) // kdf
    .sized(new Uint8Array(32))
    .sized(new Uint8Array(32))
    .toBytes();
}

/** Parses a TPMT_PUBLIC (without its TPM2B size); refuses trailing bytes and unknown types. */
export function parsePublicArea(bytes: Uint8Array): ParsedPublicArea {
  const r = new TpmReader(bytes, 'TPM public area');
  const typeAlg = r.u16();
  const nameAlg = r.u16();
  if (nameAlg !== TPM_ALG_SHA256)
    throw new TpmFormatError(`TPM key name algorithm 0x${nameAlg.toString(16)}, expected SHA-256 (0xb)`);
  const attributes = r.u32();
  const authPolicy = r.sized();
  const symAlg = r.u16();
  const symmetric = symAlg === TPM_ALG_NULL ? { alg: symAlg } : { alg: symAlg, keyBits: r.u16(), mode: r.u16() };
  const schemeAlg = r.u16();
  const scheme = schemeAlg === TPM_ALG_NULL ? { alg: schemeAlg } : { alg: schemeAlg, hashAlg: r.u16() };
  if (typeAlg === TPM_ALG_ECC) {
    const curve = r.u16();
    const kdf = r.u16();
    if (kdf !== TPM_ALG_NULL) r.u16();
    const x = r.sized();
    const y = r.sized();
    r.end();
    return { type: 'ecc', nameAlg, attributes, authPolicy, symmetric, scheme, curve, ecc: { x, y } };
  }
  if (typeAlg === TPM_ALG_RSA) {
    const keyBits = r.u16();
    const exponent = r.u32();
    const modulus = r.sized();
    r.end();
    return { type: 'rsa', nameAlg, attributes, authPolicy, symmetric, scheme, rsa: { keyBits, exponent, modulus } };
  }
  throw new TpmFormatError(`TPM key type 0x${typeAlg.toString(16)}, expected ECC (0x23) or RSA (0x1)`);
}

/** The TPM's name for an object: nameAlg ‖ SHA-256(TPMT_PUBLIC). */
export function objectName(publicArea: Uint8Array): Uint8Array<ArrayBuffer> {
  const digest = createHash('sha256').update(publicArea).digest();
  return new TpmWriter().u16(TPM_ALG_SHA256).bytes(digest).toBytes();
}

/** A P-256 public area's key as a JWK; refuses other curves or sizes. */
export function eccPublicJwk(area: ParsedPublicArea): JsonWebKey {
  if (
    area.type !== 'ecc' ||
    area.curve !== TPM_ECC_NIST_P256 ||
    area.ecc?.x.byteLength !== 32 ||
    area.ecc.y.byteLength !== 32
  ) {
    throw new TpmFormatError('TPM key is not a P-256 key with 32-byte coordinates');
  }
  return {
    kty: 'EC',
    crv: 'P-256',
    x: Buffer.from(area.ecc.x).toString('base64url'),
    y: Buffer.from(area.ecc.y).toString('base64url'),
  };
}
