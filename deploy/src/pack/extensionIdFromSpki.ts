/**
 * Chrome's extension id for a public key: the first 128 bits of SHA-256 over the SPKI DER, each
 * hex digit 0–f written as a–p (the same rule as extension/src/extensionId.ts, synchronous here).
 */
import { createHash } from 'node:crypto';

export function extensionIdFromSpki(spkiDer: Uint8Array): string {
  const digest = createHash('sha256').update(spkiDer).digest();
  let id = '';
  for (const byte of digest.subarray(0, 16)) id += String.fromCharCode(97 + (byte >> 4), 97 + (byte & 15));
  return id;
}
