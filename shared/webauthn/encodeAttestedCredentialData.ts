import { concatBytes } from './concatBytes.js';

/** Credential IDs are at most 1023 bytes (WebAuthn §6.5.2). */
const MAX_CREDENTIAL_ID_BYTES = 1023;

/**
 * Attested credential data (WebAuthn §6.5.2): aaguid (16) ‖ credentialIdLength (u16 BE) ‖
 * credentialId ‖ credentialPublicKey (COSE). Wrong sizes are programmer errors (TypeError).
 */
export function encodeAttestedCredentialData(args: {
  aaguid: Uint8Array;
  credentialId: Uint8Array;
  cosePublicKey: Uint8Array;
}): Uint8Array<ArrayBuffer> {
  const { aaguid, credentialId, cosePublicKey } = args;
  if (aaguid.byteLength !== 16) throw new TypeError(`aaguid must be 16 bytes, got ${aaguid.byteLength}`);
  if (credentialId.byteLength < 1 || credentialId.byteLength > MAX_CREDENTIAL_ID_BYTES) {
    throw new TypeError(`credentialId must be 1–${MAX_CREDENTIAL_ID_BYTES} bytes, got ${credentialId.byteLength}`);
  }
  const length = new Uint8Array([credentialId.byteLength >> 8, credentialId.byteLength & 0xff]);
  return concatBytes(aaguid, length, credentialId, cosePublicKey);
}
