import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../crypto/CryptoProvider.js';
import { peculiarCrypto } from '../crypto/peculiarCrypto.js';
import { derSignatureToRaw } from './derSignatureToRaw.js';
import { rawSignatureToDer } from './rawSignatureToDer.js';

const ECDSA = { name: 'ECDSA', hash: 'SHA-256' } as const;

describe.each([nodeCrypto, peculiarCrypto])('derSignatureToRaw with $name', (provider) => {
  it('should give raw signatures WebCrypto verifies when converting 200 DER signatures from node:crypto', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const key = await provider.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    for (let i = 0; i < 200; i++) {
      const data = provider.getRandomValues(new Uint8Array(24));
      const der = new Uint8Array(sign('sha256', data, { key: privateKey, dsaEncoding: 'der' }));
      const raw = derSignatureToRaw(der);
      expect(await provider.subtle.verify(ECDSA, key, raw, data)).toBe(true);
      expect(rawSignatureToDer(raw)).toEqual(der);
    }
  });
});

describe('derSignatureToRaw', () => {
  const valid = rawSignatureToDer(new Uint8Array(64).fill(0x42));

  it('should left-pad short integers to 32 bytes when r is small', () => {
    const raw = derSignatureToRaw(new Uint8Array([0x30, 7, 0x02, 1, 0x05, 0x02, 2, 0x01, 0x02]));
    expect(raw[31]).toBe(5);
    expect([raw[62], raw[63]]).toEqual([1, 2]);
    expect(raw.subarray(0, 31).every((b) => b === 0)).toBe(true);
  });

  it('should throw a TypeError when the input is not a well-formed minimal DER signature', () => {
    const cases: Array<[string, number[]]> = [
      ['empty', []],
      ['not a SEQUENCE', [0x31, ...valid.subarray(1)]],
      ['wrong SEQUENCE length', [0x30, (valid[1] as number) + 1, ...valid.subarray(2)]],
      ['trailing bytes', [0x30, (valid[1] as number) + 1, ...valid.subarray(2), 0]],
      ['negative integer', [0x30, 6, 0x02, 1, 0x80, 0x02, 1, 0x01]],
      ['non-minimal integer', [0x30, 7, 0x02, 2, 0x00, 0x01, 0x02, 1, 0x01]],
      ['integer over 256 bits', [0x30, 38, 0x02, 33, 0x01, ...new Array(32).fill(1), 0x02, 1, 0x01]],
      ['zero-length integer', [0x30, 5, 0x02, 0, 0x02, 1, 0x01, 0x00]],
      ['integer runs past the end', [0x30, 6, 0x02, 1, 0x01, 0x02, 9, 0x01]],
      ['missing s', [0x30, 3, 0x02, 1, 0x01, 0, 0, 0]],
    ];
    for (const [why, bytes] of cases) {
      expect(() => derSignatureToRaw(new Uint8Array(bytes)), why).toThrow(TypeError);
    }
  });
});
