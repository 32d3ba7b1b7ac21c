import { type CryptoProvider, defaultCrypto } from './CryptoProvider.js';

/** WebCrypto refuses more than 65,536 bytes per getRandomValues call. */
const MAX_CHUNK = 65_536;

/** `n` cryptographically random bytes from `provider` (default: the runtime's WebCrypto). */
export function randomBytes(n: number, provider: CryptoProvider = defaultCrypto): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`randomBytes: expected a non-negative integer, got ${n}`);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += MAX_CHUNK) provider.getRandomValues(out.subarray(i, Math.min(n, i + MAX_CHUNK)));
  return out;
}
