import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../crypto/CryptoProvider.js';
import { peculiarCrypto } from '../crypto/peculiarCrypto.js';
import { derSignatureToRaw } from './derSignatureToRaw.js';
import { rawSignatureToDer } from './rawSignatureToDer.js';

const ECDSA = { name: 'ECDSA', hash: 'SHA-256' } as const;

describe.each([nodeCrypto, peculiarCrypto])('rawSignatureToDer with $name', (provider) => {
  it('should produce DER that node:crypto verifies when converting 300 random signatures', async () => {
    const { privateKey, publicKey } = (await provider.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const jwk = await provider.subtle.exportKey('jwk', publicKey);
    const nodeKey = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    let paddedIntegers = 0;
    for (let i = 0; i < 300; i++) {
      const data = provider.getRandomValues(new Uint8Array(40));
      const raw = new Uint8Array(await provider.subtle.sign(ECDSA, privateKey, data));
      const der = rawSignatureToDer(raw);
      expect(verify('sha256', data, { key: nodeKey, dsaEncoding: 'der' }, der)).toBe(true);
      expect(derSignatureToRaw(der)).toEqual(raw);
      // r has its high bit set in about half the signatures: count them to show that case ran.
      if (der[3] === 33) paddedIntegers++;
    }
    expect(paddedIntegers).toBeGreaterThan(50);
  });
});

describe('rawSignatureToDer', () => {
  it('should drop leading zeros and pad a set high bit when r and s need it', () => {
    const raw = new Uint8Array(64);
    raw[31] = 0x01; // r = 1
    raw.fill(0xff, 32); // s = 2^256 - 1: high bit set
    const der = rawSignatureToDer(raw);
    expect([...der.subarray(0, 5)]).toEqual([0x30, 3 + 35, 0x02, 0x01, 0x01]);
    expect([...der.subarray(5, 8)]).toEqual([0x02, 33, 0x00]);
    expect(der.subarray(8)).toEqual(new Uint8Array(32).fill(0xff));
  });

  it('should keep one zero byte when an integer is zero', () => {
    const der = rawSignatureToDer(new Uint8Array(64));
    expect([...der]).toEqual([0x30, 6, 0x02, 1, 0, 0x02, 1, 0]);
  });

  it('should keep a zero byte that separates a high bit when a leading byte is zero', () => {
    const raw = new Uint8Array(64).fill(1);
    raw[0] = 0x00;
    raw[1] = 0x80;
    const der = rawSignatureToDer(raw);
    expect([...der.subarray(2, 5)]).toEqual([0x02, 32, 0x00]);
    expect(der[5]).toBe(0x80);
    expect(derSignatureToRaw(der)).toEqual(raw);
  });

  it('should throw a TypeError when the raw signature is not 64 bytes', () => {
    expect(() => rawSignatureToDer(new Uint8Array(63))).toThrow(TypeError);
    expect(() => rawSignatureToDer(new Uint8Array(72))).toThrow(TypeError);
  });
});
