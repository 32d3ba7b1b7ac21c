import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../crypto/CryptoProvider.js';
import { peculiarCrypto } from '../crypto/peculiarCrypto.js';
import { sha256 } from './sha256.js';

describe.each([nodeCrypto, peculiarCrypto])('sha256 with $name', ({ subtle }) => {
  it('should match node:crypto when hashing text as UTF-8', async () => {
    const expected = createHash('sha256').update('localhost', 'utf8').digest();
    expect(await sha256('localhost', subtle)).toEqual(new Uint8Array(expected));
  });

  it('should match node:crypto when hashing a byte view', async () => {
    const backing = new Uint8Array([0, 1, 2, 3, 4]);
    const expected = createHash('sha256').update(backing.subarray(1, 4)).digest();
    expect(await sha256(backing.subarray(1, 4), subtle)).toEqual(new Uint8Array(expected));
  });
});
