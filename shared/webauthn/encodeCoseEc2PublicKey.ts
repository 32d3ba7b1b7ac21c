import { type CBORType, encodeCBOR } from '@levischuck/tiny-cbor';
import { fromBase64url } from './base64url.js';

/** COSE labels and values for an EC2 P-256 ES256 key (RFC 9052/9053). */
const COSE = { kty: 1, alg: 3, crv: -1, x: -2, y: -3, ktyEC2: 2, algES256: -7, crvP256: 1 } as const;

/**
 * A P-256 public key as a COSE_Key map `{1: 2, 3: -7, -1: 1, -2: x, -3: y}` with integer labels,
 * in CTAP2 canonical order, encoded with tiny-cbor (plain maps and byte strings, no tags).
 * Accepts a public JWK (`kty: 'EC', crv: 'P-256'`) or a raw uncompressed point (0x04 ‖ x ‖ y).
 */
export function encodeCoseEc2PublicKey(jwkOrRawPoint: JsonWebKey | Uint8Array): Uint8Array<ArrayBuffer> {
  const { x, y } = coordinates(jwkOrRawPoint);
  const map = new Map<number, CBORType>([
    [COSE.kty, COSE.ktyEC2],
    [COSE.alg, COSE.algES256],
    [COSE.crv, COSE.crvP256],
    [COSE.x, x],
    [COSE.y, y],
  ]);
  return Uint8Array.from(encodeCBOR(map));
}

function coordinates(key: JsonWebKey | Uint8Array): { x: Uint8Array; y: Uint8Array } {
  if (key instanceof Uint8Array) {
    if (key.byteLength !== 65 || key[0] !== 0x04) {
      throw new TypeError(`Expected an uncompressed P-256 point (65 bytes starting 0x04), got ${key.byteLength} bytes`);
    }
    return { x: key.slice(1, 33), y: key.slice(33, 65) };
  }
  if (key.kty !== 'EC' || key.crv !== 'P-256' || typeof key.x !== 'string' || typeof key.y !== 'string') {
    throw new TypeError(`Expected a P-256 public JWK, got kty "${key.kty}", crv "${key.crv}"`);
  }
  const x = fromBase64url(key.x);
  const y = fromBase64url(key.y);
  if (x.byteLength !== 32 || y.byteLength !== 32) throw new TypeError('P-256 JWK coordinates must be 32 bytes each');
  return { x, y };
}
