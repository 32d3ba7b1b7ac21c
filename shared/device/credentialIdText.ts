import { toBase64url } from '../webauthn/base64url.js';

/** A credential id as the base64url text that WebAuthn JSON and the device statement use. */
export function credentialIdText(credentialId: Uint8Array | string): string {
  return typeof credentialId === 'string' ? credentialId : toBase64url(credentialId);
}
