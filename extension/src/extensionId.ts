/**
 * The extension's pinned identity. The manifest carries this RSA public key (SPKI DER, base64) as
 * `key`, so an unpacked build always gets the same id; the daemon allow-lists
 * `chrome-extension://<EXTENSION_ID>` and IT policy files name it. Only the public key is kept:
 * the private key was discarded, because an unpacked or force-installed-from-store extension never
 * needs it (see docs/decisions/0030-extension-build-and-pinned-id.md).
 */

export const EXTENSION_PUBLIC_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuZSWQZGd24FNHIDnwnCDg4k6ZSNf3yB9JxHNb8rB5+slQQZucz9BDKIGwLqoXmBVHxQMXVxg5VJ/m43cmIQ+XcZ6Te2OWpeuc32R+URQtJgyDKqo3wSTf0mM1u5eS3NPtgoi5iW3v/YWg1lbehZEBUstaI/FctvSZf8UbphJkgbo3hofOzQy6eiPSgCm7Yd7i1QrB056CqMr6OujxqciJQz9vHCwX+wa/KOy7OA1KOBpsuEi4BW+Zfe5wpSqVLfMZUjeA920mqBu7X0AVzSeMMJ9MOW3NQEBZb3krJvR1azvWueeOpNeh/5F/JQcXlGWijf0UYKux5qTs9MZNE+kcwIDAQAB';

/** Chrome's id for {@link EXTENSION_PUBLIC_KEY}: SHA-256 of the DER, first 32 hex digits mapped 0–f → a–p. */
export const EXTENSION_ID = 'cafmddpjkeccackiphahemkdaplnpfdf';

/** The origin the extension's service worker sends in its WebSocket `Origin` header (Chrome). */
export const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}`;

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
