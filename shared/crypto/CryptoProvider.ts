/**
 * The one platform seam for cryptography: a WebCrypto `subtle` plus a random source. Everything in
 * shared/webauthn and shared/device takes its `subtle` from a provider parameter, so the same code
 * path runs in Node, in a browser extension and under a JavaScript WebCrypto implementation
 * (tests run the crypto against both, see peculiarCrypto.ts). No `node:crypto`, no `Buffer`.
 */

/** A WebCrypto implementation. `name` only labels test output and logs. */
export interface CryptoProvider {
  readonly name?: string;
  readonly subtle: SubtleCrypto;
  getRandomValues<T extends ArrayBufferView>(array: T): T;
}

/**
 * The runtime's own WebCrypto (`globalThis.crypto`: Node ≥ 20, browsers, extension workers).
 * Resolved on each access rather than captured at import, so importing this file never touches
 * `globalThis.crypto` before the runtime provides it.
 */
export const nodeCrypto: CryptoProvider = {
  name: 'node',
  get subtle(): SubtleCrypto {
    return globalThis.crypto.subtle;
  },
  getRandomValues<T extends ArrayBufferView>(array: T): T {
    return globalThis.crypto.getRandomValues(array as ArrayBufferView<ArrayBuffer>) as unknown as T;
  },
};

/** The default provider used when a caller passes none. */
export const defaultCrypto: CryptoProvider = nodeCrypto;
