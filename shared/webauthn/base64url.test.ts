import { describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from './base64url.js';

describe('base64url', () => {
  it('should round-trip every length from 0 to 64 when encoding random bytes', () => {
    for (let n = 0; n <= 64; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      const text = toBase64url(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64url(text)).toEqual(bytes);
    }
  });

  it('should throw a TypeError when the text has padding or characters outside the alphabet', () => {
    expect(() => fromBase64url('AA==')).toThrow(TypeError);
    expect(() => fromBase64url('A+/B')).toThrow(TypeError);
    expect(() => fromBase64url('é')).toThrow(TypeError);
  });

  it('should throw a TypeError when the length is impossible', () => {
    expect(() => fromBase64url('AAAAA')).toThrow(TypeError);
  });
});
