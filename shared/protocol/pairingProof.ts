/**
 * Pairing crypto, WebCrypto only (runs in the service worker and in Node).
 *
 * Pairing: both sides create an ephemeral P-256 ECDH key; the shared secret is
 * HKDF-SHA-256(ECDH, salt = hello nonce, info = PAIRING_INFO|installId|extensionOrigin). The secret
 * itself never crosses the wire. Every later connection proves it with
 * HMAC-SHA-256(secret, PAIRING_INFO|auth|nonce|installId|extensionOrigin), where the nonce is fresh
 * per connection, so a recorded proof is useless on any other connection.
 */
import { fromBase64url, toBase64url } from '../webauthn/base64url.js';
import { PAIRING_INFO } from './version.js';

const enc = new TextEncoder();

export async function createPairingKeyPair(): Promise<{ keyPair: CryptoKeyPair; publicKey: string }> {
  const keyPair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', keyPair.publicKey));
  return { keyPair, publicKey: toBase64url(raw) };
}

/** Derives the 32-byte pairing secret from our private key and the peer's raw public key. */
export async function derivePairingSecret(args: {
  privateKey: CryptoKey;
  peerPublicKey: string;
  nonce: string;
  installId: string;
  extensionOrigin: string;
}): Promise<Uint8Array<ArrayBuffer>> {
  const peer = await crypto.subtle.importKey(
    'raw',
    fromBase64url(args.peerPublicKey),
    { name: 'ECDH', namedCurve: 'P-256' },
    false,
    [],
  );
  const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: peer }, args.privateKey, 256);
  const hkdfKey = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: fromBase64url(args.nonce),
      info: enc.encode(`${PAIRING_INFO}|${args.installId}|${args.extensionOrigin}`),
    },
    hkdfKey,
    256,
  );
  return new Uint8Array(bits);
}

/** The proof a paired client sends in `auth` for this connection's nonce. */
export async function computePairingProof(args: {
  secret: Uint8Array<ArrayBuffer>;
  nonce: string;
  installId: string;
  extensionOrigin: string;
}): Promise<string> {
  const key = await crypto.subtle.importKey('raw', args.secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign(
    'HMAC',
    key,
    enc.encode(`${PAIRING_INFO}|auth|${args.nonce}|${args.installId}|${args.extensionOrigin}`),
  );
  return toBase64url(new Uint8Array(mac));
}

/** Constant-time check of a received proof (WebCrypto `verify` compares in constant time). */
export async function verifyPairingProof(args: {
  secret: Uint8Array<ArrayBuffer>;
  nonce: string;
  installId: string;
  extensionOrigin: string;
  proof: string;
}): Promise<boolean> {
  const key = await crypto.subtle.importKey('raw', args.secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  let proof: Uint8Array<ArrayBuffer>;
  try {
    proof = fromBase64url(args.proof);
  } catch {
    return false;
  }
  return crypto.subtle.verify(
    'HMAC',
    key,
    proof,
    enc.encode(`${PAIRING_INFO}|auth|${args.nonce}|${args.installId}|${args.extensionOrigin}`),
  );
}
