import { defaultCrypto } from '../crypto/CryptoProvider.js';

/** SHA-256 of `data` through WebCrypto (`subtle` defaults to the runtime's). */
export async function sha256(
  data: Uint8Array | string,
  subtle: SubtleCrypto = defaultCrypto.subtle,
): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : Uint8Array.from(data);
  return new Uint8Array(await subtle.digest('SHA-256', bytes));
}
