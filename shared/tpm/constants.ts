/**
 * The few TPM 2.0 constants Keybound uses (TCG TPM 2.0 Library, Part 2: Structures). Shared by
 * the daemon's TPM client and the portal's attestation checks, so both read the same numbers.
 */
export const TPM_ST_NO_SESSIONS = 0x8001;
export const TPM_ST_SESSIONS = 0x8002;
export const TPM_ST_ATTEST_CERTIFY = 0x8017;
export const TPM_ST_HASHCHECK = 0x8024;
export const TPM_GENERATED_VALUE = 0xff544347;

export const TPM_ALG_RSA = 0x0001;
export const TPM_ALG_SHA256 = 0x000b;
export const TPM_ALG_AES = 0x0006;
export const TPM_ALG_NULL = 0x0010;
export const TPM_ALG_ECDSA = 0x0018;
export const TPM_ALG_ECC = 0x0023;
export const TPM_ALG_CFB = 0x0043;
export const TPM_ECC_NIST_P256 = 0x0003;

export const TPM_RH_OWNER = 0x40000001;
export const TPM_RS_PW = 0x40000009;
export const TPM_RH_ENDORSEMENT = 0x4000000b;
export const TPM_RH_NULL = 0x40000007;
export const TPM_SE_POLICY = 0x01;
export const TPM_CAP_HANDLES = 0x00000001;
export const TRANSIENT_FIRST = 0x80000000;

/** Where swtpm_setup and TCG-provisioned machines keep the RSA EK and its certificate. */
export const EK_RSA_PERSISTENT_HANDLE = 0x81010001;
export const EK_RSA_CERT_NV_INDEX = 0x01c00002;

export const TPM_CC = {
  NV_Read: 0x14e,
  ActivateCredential: 0x147,
  Certify: 0x148,
  PolicySecret: 0x151,
  Create: 0x153,
  Load: 0x157,
  Sign: 0x15d,
  FlushContext: 0x165,
  NV_ReadPublic: 0x169,
  ReadPublic: 0x173,
  StartAuthSession: 0x176,
  GetCapability: 0x17a,
  CreatePrimary: 0x131,
} as const;

/** TPMA_OBJECT bits. */
export const TPMA = {
  fixedTPM: 1 << 1,
  fixedParent: 1 << 4,
  sensitiveDataOrigin: 1 << 5,
  userWithAuth: 1 << 6,
  adminWithPolicy: 1 << 7,
  noDA: 1 << 10,
  restricted: 1 << 16,
  decrypt: 1 << 17,
  sign: 1 << 18,
} as const;

/** The attributes every Keybound key has: made in this TPM, never exportable, never re-parented. */
export const KEY_ATTRIBUTES_BASE =
  TPMA.fixedTPM | TPMA.fixedParent | TPMA.sensitiveDataOrigin | TPMA.userWithAuth | TPMA.noDA | TPMA.sign;
/** A credential or device-identity key: sign-only, signs any digest. */
export const SIGNING_KEY_ATTRIBUTES = KEY_ATTRIBUTES_BASE;
/** The attestation key: restricted, so it signs only TPM-generated structures (quotes, certifications). */
export const ATTESTATION_KEY_ATTRIBUTES = KEY_ATTRIBUTES_BASE | TPMA.restricted;
