import { encodeCoseEc2PublicKey } from './encodeCoseEc2PublicKey.js';

/**
 * The COSE_Key bytes of a WebCrypto ECDSA P-256 public key. Public keys are always exportable,
 * even when the private half was created non-extractable.
 */
export async function coseKeyFromCryptoKey(
  subtle: SubtleCrypto,
  publicKey: CryptoKey,
): Promise<Uint8Array<ArrayBuffer>> {
  const algorithm = publicKey.algorithm as EcKeyAlgorithm;
  if (publicKey.type !== 'public' || algorithm.name !== 'ECDSA' || algorithm.namedCurve !== 'P-256') {
    throw new TypeError(
      `Expected an ECDSA P-256 public key, got ${publicKey.type} ${algorithm.name} ${algorithm.namedCurve}`,
    );
  }
  const raw = new Uint8Array(await subtle.exportKey('raw', publicKey));
  return encodeCoseEc2PublicKey(raw);
}
