/**
 * One ECDSA P-256 / SHA-256 signature with a private CryptoKey, as raw r‖s (WebCrypto's format).
 *
 * Why not always `subtle.sign`: in Node 20 it spends ~30 µs in WebCrypto's JS front-end on the
 * event loop and then waits for a libuv thread-pool round trip (a thread wake-up on a busy
 * machine), ~50–80 µs per signature — the largest part of a relayed sign-in. node:crypto's
 * `sign` accepts the same CryptoKey as is and signs in ~25–30 µs on the event loop, with no
 * hop. The key stays a non-extractable CryptoKey: nothing exports or converts it, and the same
 * checks WebCrypto makes (private, ECDSA P-256, 'sign' usage) are made here first.
 *
 * Keys from another WebCrypto implementation (the JavaScript one the tests also run) are not
 * Node's CryptoKey and go through their own `subtle.sign`.
 */
import { type KeyObject, sign } from 'node:crypto';
import { ES256 } from './KeyStore.js';

export async function signP256(
  subtle: SubtleCrypto,
  key: CryptoKey,
  data: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  if (isNodeP256SigningKey(key)) {
    // Node's typings omit it, but sign() takes a CryptoKey wherever it takes a KeyObject (Node ≥ 15).
    return new Uint8Array(sign('sha256', data, { key: key as unknown as KeyObject, dsaEncoding: 'ieee-p1363' }));
  }
  return new Uint8Array(await subtle.sign(ES256, key, new Uint8Array(data)));
}

function isNodeP256SigningKey(key: CryptoKey): boolean {
  return (
    typeof globalThis.CryptoKey === 'function' &&
    key instanceof globalThis.CryptoKey &&
    key.type === 'private' &&
    key.usages.includes('sign') &&
    key.algorithm.name === 'ECDSA' &&
    (key.algorithm as EcKeyAlgorithm).namedCurve === 'P-256'
  );
}
