/**
 * Password hashing with scrypt (memory-hard, in node:crypto; see
 * docs/decisions/0010-portal-password-hashing.md). Stored as `scrypt$N$r$p$salt$hash` so the
 * parameters can be raised later without breaking old hashes.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { fromBase64url, toBase64url } from '../../../shared/webauthn/base64url.js';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
// scrypt needs 128 * N * r bytes (32 MiB here); node's default cap is exactly 32 MiB, so raise it.
const MAX_MEM = 256 * 1024 * 1024;

function derive(password: string, salt: Uint8Array, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, { N: n, r, p, maxmem: MAX_MEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Hashes a password with a fresh 16-byte salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${toBase64url(salt)}$${toBase64url(key)}`;
}

/** Checks a password against a stored hash in constant time. Malformed hashes never match. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![n, r, p].every((v) => Number.isInteger(v) && v > 0) || n > 2 ** 20 || r > 32 || p > 16) return false;
  let salt: Uint8Array;
  let expected: Uint8Array;
  try {
    salt = fromBase64url(parts[4] as string);
    expected = fromBase64url(parts[5] as string);
  } catch {
    return false;
  }
  const key = await derive(password, salt, n, r, p);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let dummyHash: Promise<string> | undefined;

/**
 * A hash to verify against when the account does not exist, so an unknown email costs the same
 * time as a wrong password (no account enumeration by timing).
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('keybound-dummy-password');
  return dummyHash;
}
