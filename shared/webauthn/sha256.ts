import { defaultCrypto } from '../crypto/CryptoProvider.js';

/**
 * A SHA-256 function. The WebAuthn encoders take one so a runtime with a synchronous hash (the
 * daemon passes node:crypto's `createHash`) skips WebCrypto's thread-pool round trip, while
 * shared/ itself stays WebCrypto-only and runs unchanged in the extension and the browser.
 */
export type Sha256 = (data: Uint8Array | string) => Uint8Array | Promise<Uint8Array>;

/** SHA-256 of `data` through WebCrypto (`subtle` defaults to the runtime's). */
export async function sha256(
  data: Uint8Array | string,
  subtle: SubtleCrypto = defaultCrypto.subtle,
): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : Uint8Array.from(data);
  return new Uint8Array(await subtle.digest('SHA-256', bytes));
}
