/**
 * The extension's pinned identity. The manifest carries this RSA public key (SPKI DER, base64) as
 * `key`, so an unpacked build always gets the same id; the daemon allow-lists
 * `chrome-extension://<EXTENSION_ID>` and IT policy files name it. Only the public key is kept:
 * the private key was discarded, because an unpacked or force-installed-from-store extension never
 * needs it (see docs/decisions/0030-extension-build-and-pinned-id.md).
 */

export { EXTENSION_ID, EXTENSION_ORIGIN, EXTENSION_PUBLIC_KEY } from '../../shared/extensionIdentity.js';

/** Computes Chrome's extension id from a base64 SPKI public key (used to prove the constant above). */
export async function extensionIdFromPublicKey(spkiBase64: string): Promise<string> {
  const der = Uint8Array.from(atob(spkiBase64), (c) => c.charCodeAt(0));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', der));
  let id = '';
  for (const byte of digest.subarray(0, 16)) {
    id += String.fromCharCode(97 + (byte >> 4), 97 + (byte & 15));
  }
  return id;
}
