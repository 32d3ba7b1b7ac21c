/** Random bearer tokens and their stored form. */
import { createHash, randomBytes } from 'node:crypto';
import { toBase64url } from '../../../shared/webauthn/base64url.js';

/** A random token of `bytes` bytes (default 32), base64url. */
export function randomToken(bytes = 32): string {
  return toBase64url(randomBytes(bytes));
}

/** A random identifier with a readable prefix, e.g. `usr_…`, `dev_…`. */
export function randomId(prefix: string): string {
  return `${prefix}_${randomToken(12)}`;
}

/**
 * SHA-256 of a bearer token, hex. Tokens are high-entropy random values, so a plain hash is enough
 * to keep a leaked database from being replayed (no salt or KDF needed, unlike passwords).
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
