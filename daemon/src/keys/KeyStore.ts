/**
 * The key store seam. Keys are P-256 (ES256), created non-extractable, and used only through
 * `sign`; a hardware backend (Secure Enclave, TPM 2.0, Windows CNG) implements the same
 * interface and never exposes private key material at all.
 */

/** What a key is for; recorded so `list` and audits can tell them apart. */
export type KeyPurpose = 'credential' | 'device-identity' | 'session';

/** Public facts about a stored key. `ref` is opaque to callers and safe as a file name. */
export interface KeyInfo {
  ref: string;
  purpose: KeyPurpose;
  createdAt: string;
  /** The P-256 public key as a JWK (`kty: 'EC', crv: 'P-256', x, y`). */
  publicJwk: JsonWebKey;
}

export interface KeyStore {
  /** Creates a new non-extractable P-256 key pair and persists it before resolving. */
  create(options: { purpose: KeyPurpose }): Promise<KeyInfo>;
  /**
   * ECDSA P-256 with SHA-256 over `data`. Returns the raw 64-byte r‖s signature (WebCrypto's
   * format); WebAuthn callers convert it to DER. Throws ERR_KEY_NOT_FOUND for an unknown ref.
   */
  sign(ref: string, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>>;
  /** The public half; throws ERR_KEY_NOT_FOUND for an unknown ref. */
  publicKey(ref: string): Promise<JsonWebKey>;
  /** Deletes the key; deleting an unknown ref is not an error (idempotent). */
  delete(ref: string): Promise<void>;
  list(): Promise<KeyInfo[]>;
  /** Where private keys live: `tpm` (inside a TPM 2.0) or `software` (sealed files, memory). */
  readonly protection?: 'tpm' | 'software';
  /** Releases hardware connections (the TPM's loaded storage key); idempotent. */
  close?(): Promise<void>;
}

/** ECDSA parameters used by every backend. */
export const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const ES256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** Key refs are random base64url strings; anything else is refused before touching the disk. */
export const KEY_REF_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** Returns only the public members of a P-256 JWK (never `d`). */
export function publicJwkOf(jwk: JsonWebKey): JsonWebKey {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}
