/**
 * Authentication at the WebSocket upgrade (decision 0040). The extension offers two subprotocols:
 * `keybound.v1` and `kbauth.<installId>.<unix seconds>.<nonce>.<mac>`, where
 * mac = HMAC-SHA-256(pairing secret, "keybound-upgrade-v1" | origin | installId | seconds | nonce).
 * The daemon checks the MAC, the clock window and that the nonce was not seen before, all before
 * a WebSocket exists. Browsers cannot set headers on a WebSocket; a subprotocol they can.
 */
import { fromBase64url, toBase64url } from '../webauthn/base64url.js';

export const WS_SUBPROTOCOL = 'keybound.v1';
const PREFIX = 'kbauth.';
const INFO = 'keybound-upgrade-v1';
const TOKEN = /^kbauth\.([A-Za-z0-9_-]{16,64})\.(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export interface UpgradeProof {
  installId: string;
  seconds: number;
  nonce: string;
  mac: string;
}

function transcript(p: Omit<UpgradeProof, 'mac'>, extensionOrigin: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode([INFO, extensionOrigin, p.installId, String(p.seconds), p.nonce].join('|'));
}

async function hmacKey(secret: Uint8Array<ArrayBuffer>, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/** The `kbauth.…` subprotocol for one connection attempt. */
export async function computeUpgradeProof(args: {
  secret: Uint8Array<ArrayBuffer>;
  installId: string;
  extensionOrigin: string;
  now?: number;
}): Promise<string> {
  const seconds = Math.floor((args.now ?? Date.now()) / 1000);
  const nonce = toBase64url(crypto.getRandomValues(new Uint8Array(16)));
  const p = { installId: args.installId, seconds, nonce };
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', await hmacKey(args.secret, 'sign'), transcript(p, args.extensionOrigin)),
  );
  return `${PREFIX}${args.installId}.${seconds}.${nonce}.${toBase64url(mac)}`;
}

/** Parses a `kbauth.…` token; undefined when malformed. */
export function parseUpgradeProof(token: string): UpgradeProof | undefined {
  const m = TOKEN.exec(token);
  if (!m) return undefined;
  return { installId: m[1] as string, seconds: Number(m[2]), nonce: m[3] as string, mac: m[4] as string };
}

/** Checks the MAC of a parsed proof with the install's secret (constant-time, by WebCrypto). */
export async function verifyUpgradeMac(
  proof: UpgradeProof,
  secret: Uint8Array<ArrayBuffer>,
  extensionOrigin: string,
): Promise<boolean> {
  return crypto.subtle.verify(
    'HMAC',
    await hmacKey(secret, 'verify'),
    fromBase64url(proof.mac),
    transcript(proof, extensionOrigin),
  );
}

/** Whether a subprotocol offer carries an upgrade proof. */
export function isUpgradeProof(protocol: string): boolean {
  return protocol.startsWith(PREFIX);
}
