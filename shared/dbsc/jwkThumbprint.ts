/** RFC 7638 JWK thumbprint of a P-256 public key (SHA-256, base64url), without jose. */
import { toBase64url } from '../webauthn/base64url.js';
import { sha256 } from '../webauthn/sha256.js';

export async function jwkThumbprint(jwk: JsonWebKey): Promise<string> {
  // Required members only, in lexicographic order, no whitespace (RFC 7638 §3.2).
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return toBase64url(await sha256(new TextEncoder().encode(canonical)));
}
