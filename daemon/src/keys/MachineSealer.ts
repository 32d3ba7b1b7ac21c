/**
 * Sealing of secrets at rest, bound to this machine, this OS user and this install.
 *
 * Key-encryption key = HKDF-SHA-256(ikm = install secret, salt = SHA-256(machine id | uid |
 * user name), info = "keybound-kek-v1") → AES-256-GCM, non-extractable. Each sealed blob is
 *   "KBS1" | binding check (8 bytes) | IV (12 bytes) | AES-GCM ciphertext+tag
 * with AAD = header | purpose, so a blob cannot be swapped for one sealed for another purpose.
 * The binding check (a second HKDF output) lets us tell "sealed on another machine or for
 * another user" (check differs) from "damaged file" (check matches, GCM fails, or bad header).
 */
import type { CryptoProvider } from '../../../shared/crypto/index.js';
import { KeyStoreError } from '../../../shared/errors.js';
import { loadInstallSecret } from './installSecret.js';
import type { MachineIdentity } from './machineIdentity.js';

const MAGIC = new Uint8Array([0x4b, 0x42, 0x53, 0x31]); // "KBS1"
const CHECK_BYTES = 8;
const IV_BYTES = 12;
const HEADER_BYTES = MAGIC.length + CHECK_BYTES;
const enc = new TextEncoder();

export const WRONG_MACHINE_MESSAGE =
  'This key store was created on another machine or for another user; register this device again';

/** Seals and opens secrets for one named purpose each (e.g. "key:<ref>", "pairings", "totp"). */
export interface Sealer {
  seal(purpose: string, plaintext: Uint8Array): Promise<Uint8Array<ArrayBuffer>>;
  open(purpose: string, sealed: Uint8Array): Promise<Uint8Array<ArrayBuffer>>;
}

/** Derives this machine's key-encryption key from the data dir's install secret and `identity`. */
export async function createMachineSealer(args: {
  dataDir: string;
  identity: MachineIdentity;
  crypto: CryptoProvider;
}): Promise<Sealer> {
  const { crypto } = args;
  const secret = await loadInstallSecret(args.dataDir, crypto);
  const binding = `keybound-machine-v1|${args.identity.machineId}|${args.identity.uid}|${args.identity.username}`;
  const salt = await crypto.subtle.digest('SHA-256', enc.encode(binding));
  const ikm = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey', 'deriveBits']);
  const kek = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt, info: enc.encode('keybound-kek-v1') },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  const check = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt, info: enc.encode('keybound-kek-check-v1') },
      ikm,
      CHECK_BYTES * 8,
    ),
  );
  const header = new Uint8Array(HEADER_BYTES);
  header.set(MAGIC, 0);
  header.set(check, MAGIC.length);

  const aad = (purpose: string) => concat(header, enc.encode(`|${purpose}`));

  return {
    async seal(purpose, plaintext) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const ct = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: aad(purpose) },
        kek,
        copy(plaintext),
      );
      return concat(header, iv, new Uint8Array(ct));
    },
    async open(purpose, sealed) {
      if (sealed.byteLength < HEADER_BYTES + IV_BYTES + 16 || !startsWith(sealed, MAGIC)) {
        throw new KeyStoreError(
          'ERR_KEYSTORE_CORRUPT',
          `Sealed ${purpose} is damaged (bad header); register this device again`,
        );
      }
      if (!startsWith(sealed.subarray(MAGIC.length), check)) {
        throw new KeyStoreError('ERR_KEYSTORE_WRONG_MACHINE', WRONG_MACHINE_MESSAGE);
      }
      const iv = sealed.slice(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
      try {
        const pt = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv, additionalData: aad(purpose) },
          kek,
          sealed.slice(HEADER_BYTES + IV_BYTES),
        );
        return new Uint8Array(pt);
      } catch (cause) {
        // The binding check matched, so the key is right: the ciphertext or its purpose is not.
        throw new KeyStoreError('ERR_KEYSTORE_CORRUPT', `Sealed ${purpose} is damaged; register this device again`, {
          cause,
        });
      }
    },
  };
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.byteLength < prefix.byteLength) return false;
  for (let i = 0; i < prefix.byteLength; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}
