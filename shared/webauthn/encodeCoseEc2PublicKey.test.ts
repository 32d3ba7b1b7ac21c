import { decodeCBOR } from '@levischuck/tiny-cbor';
import { convertCOSEtoPKCS } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../crypto/CryptoProvider.js';
import { peculiarCrypto } from '../crypto/peculiarCrypto.js';
import { coseKeyFromCryptoKey } from './coseKeyFromCryptoKey.js';
import { encodeCoseEc2PublicKey } from './encodeCoseEc2PublicKey.js';

const point = new Uint8Array([4, ...new Uint8Array(32).fill(0x11), ...new Uint8Array(32).fill(0x22)]);

describe('encodeCoseEc2PublicKey', () => {
  it('should produce the map {1:2, 3:-7, -1:1, -2:x, -3:y} with integer keys when given a raw point', () => {
    const map = decodeCBOR(encodeCoseEc2PublicKey(point)) as Map<number, unknown>;
    expect(map).toBeInstanceOf(Map);
    expect([...map.keys()]).toEqual([1, 3, -1, -2, -3]);
    expect(map.get(1)).toBe(2);
    expect(map.get(3)).toBe(-7);
    expect(map.get(-1)).toBe(1);
    expect(map.get(-2)).toEqual(point.subarray(1, 33));
    expect(map.get(-3)).toEqual(point.subarray(33));
  });

  it('should start with a five-entry map header and no CBOR tags when encoded', () => {
    const bytes = encodeCoseEc2PublicKey(point);
    expect(bytes[0]).toBe(0xa5);
    expect(bytes).toHaveLength(77);
  });

  it('should give the same bytes when given the equivalent JWK', () => {
    const jwk: JsonWebKey = {
      kty: 'EC',
      crv: 'P-256',
      x: Buffer.from(point.subarray(1, 33)).toString('base64url'),
      y: Buffer.from(point.subarray(33)).toString('base64url'),
    };
    expect(encodeCoseEc2PublicKey(jwk)).toEqual(encodeCoseEc2PublicKey(point));
  });

  it('should throw a TypeError when given a compressed point, a wrong length or another curve', () => {
    expect(() => encodeCoseEc2PublicKey(new Uint8Array(33).fill(2))).toThrow(TypeError);
    expect(() => encodeCoseEc2PublicKey(new Uint8Array([5, ...point.subarray(1)]))).toThrow(TypeError);
    expect(() => encodeCoseEc2PublicKey({ kty: 'EC', crv: 'P-384', x: 'AA', y: 'AA' })).toThrow(TypeError);
    expect(() => encodeCoseEc2PublicKey({ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' })).toThrow(TypeError);
  });
});

describe.each([nodeCrypto, peculiarCrypto])('coseKeyFromCryptoKey with $name', (provider) => {
  it('should convert back to the same SPKI with @simplewebauthn/server when given a P-256 public key', async () => {
    const { publicKey } = (await provider.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const cose = await coseKeyFromCryptoKey(provider.subtle, publicKey);
    const raw = new Uint8Array(await provider.subtle.exportKey('raw', publicKey));
    expect(convertCOSEtoPKCS(cose)).toEqual(raw);
  });

  it('should throw a TypeError when given a private key or another algorithm', async () => {
    const { privateKey } = (await provider.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    await expect(coseKeyFromCryptoKey(provider.subtle, privateKey)).rejects.toThrow(TypeError);
    const ecdh = (await provider.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
      'deriveBits',
    ])) as CryptoKeyPair;
    await expect(coseKeyFromCryptoKey(provider.subtle, ecdh.publicKey)).rejects.toThrow(TypeError);
  });
});
