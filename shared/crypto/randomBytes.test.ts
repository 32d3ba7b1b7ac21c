import { describe, expect, it } from 'vitest';
import { nodeCrypto } from './CryptoProvider.js';
import { peculiarCrypto } from './peculiarCrypto.js';
import { randomBytes } from './randomBytes.js';

describe.each([nodeCrypto, peculiarCrypto])('randomBytes with $name', (provider) => {
  it('should return the requested number of bytes when asked for a small amount', () => {
    expect(randomBytes(32, provider)).toHaveLength(32);
    expect(randomBytes(0, provider)).toHaveLength(0);
  });

  it('should fill every chunk when asked for more than one getRandomValues call allows', () => {
    const bytes = randomBytes(200_000, provider);
    expect(bytes).toHaveLength(200_000);
    // The last chunk must be random too, not left as zeros.
    expect(bytes.subarray(196_608).some((b) => b !== 0)).toBe(true);
  });

  it('should differ between calls when asked twice', () => {
    expect(randomBytes(32, provider)).not.toEqual(randomBytes(32, provider));
  });

  it('should throw a TypeError when the length is negative or fractional', () => {
    expect(() => randomBytes(-1, provider)).toThrow(TypeError);
    expect(() => randomBytes(1.5, provider)).toThrow(TypeError);
  });

  it('should expose a working subtle when used for a digest', async () => {
    const digest = new Uint8Array(await provider.subtle.digest('SHA-256', new Uint8Array([1, 2, 3])));
    expect(digest).toHaveLength(32);
  });
});
