import { describe, expect, it } from 'vitest';
import { concatBytes } from './concatBytes.js';

describe('concatBytes', () => {
  it('should join parts in order when given several arrays, including views and empty ones', () => {
    const backing = new Uint8Array([9, 9, 3, 4, 9]);
    expect(concatBytes(new Uint8Array([1, 2]), new Uint8Array(0), backing.subarray(2, 4))).toEqual(
      new Uint8Array([1, 2, 3, 4]),
    );
  });

  it('should return a fresh ArrayBuffer-backed array when given one part', () => {
    const part = new Uint8Array([1]);
    const out = concatBytes(part);
    out[0] = 2;
    expect(part[0]).toBe(1);
    expect(out.buffer).toBeInstanceOf(ArrayBuffer);
  });
});
