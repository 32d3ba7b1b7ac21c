/**
 * The one place that names the Keybound extension and its native-messaging host: the extension's
 * manifest key and id, the origin the daemon allow-lists, and the host manifest's
 * `allowed_origins`. Everything else imports from here.
 */

/** RSA public key (SPKI DER, base64) in the manifest's `key`: pins the unpacked extension's id. */
export const EXTENSION_PUBLIC_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuZSWQZGd24FNHIDnwnCDg4k6ZSNf3yB9JxHNb8rB5+slQQZucz9BDKIGwLqoXmBVHxQMXVxg5VJ/m43cmIQ+XcZ6Te2OWpeuc32R+URQtJgyDKqo3wSTf0mM1u5eS3NPtgoi5iW3v/YWg1lbehZEBUstaI/FctvSZf8UbphJkgbo3hofOzQy6eiPSgCm7Yd7i1QrB056CqMr6OujxqciJQz9vHCwX+wa/KOy7OA1KOBpsuEi4BW+Zfe5wpSqVLfMZUjeA920mqBu7X0AVzSeMMJ9MOW3NQEBZb3krJvR1azvWueeOpNeh/5F/JQcXlGWijf0UYKux5qTs9MZNE+kcwIDAQAB';

/** Chrome's id for {@link EXTENSION_PUBLIC_KEY}: SHA-256 of the DER, first 32 hex digits mapped 0–f → a–p. */
export const EXTENSION_ID = 'cafmddpjkeccackiphahemkdaplnpfdf';

/** The origin the extension's service worker sends in its WebSocket `Origin` header (Chrome). */
export const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}`;

/** The native-messaging host's name (lowercase letters, digits, dots, underscores, as Chrome requires). */
export const NATIVE_HOST_NAME = 'dev.keybound.native_host';

/** A Chrome extension id: 32 letters a–p. */
export const CHROME_EXTENSION_ID = /^[a-p]{32}$/;

/** `allowed_origins` of the host manifest for these extension ids (Chrome wants the trailing slash). */
export function nativeHostAllowedOrigins(ids: readonly string[] = [EXTENSION_ID]): string[] {
  for (const id of ids) if (!CHROME_EXTENSION_ID.test(id)) throw new TypeError(`Not a Chrome extension id: ${id}`);
  return ids.map((id) => `chrome-extension://${id}/`);
}
