import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../../shared/crypto/index.js';
import { peculiarCrypto } from '../../../shared/crypto/peculiarCrypto.js';
import { ES256, P256 } from './KeyStore.js';
import { signP256 } from './signP256.js';

describe.each([nodeCrypto, peculiarCrypto])('signP256 ($name)', ({ subtle }) => {
  const data = new TextEncoder().encode('authenticatorData || clientDataHash');

  it('should return a raw 64-byte signature that WebCrypto verifies when the key is non-extractable', async () => {
    const pair = (await subtle.generateKey(P256, false, ['sign', 'verify'])) as CryptoKeyPair;
    const signature = await signP256(subtle, pair.privateKey, data);
    expect(signature.byteLength).toBe(64);
    expect(await subtle.verify(ES256, pair.publicKey, signature, data)).toBe(true);
    await expect(subtle.exportKey('pkcs8', pair.privateKey)).rejects.toThrow();
  });

  it('should refuse to sign when the key is a public key', async () => {
    const pair = (await subtle.generateKey(P256, false, ['sign', 'verify'])) as CryptoKeyPair;
    await expect(signP256(subtle, pair.publicKey, data)).rejects.toThrow();
  });

  it('should refuse to sign when the private key lacks the sign usage', async () => {
    const pair = (await subtle.generateKey(P256, true, ['sign', 'verify'])) as CryptoKeyPair;
    const pkcs8 = await subtle.exportKey('pkcs8', pair.privateKey);
    const deriveOnly = await subtle.importKey('pkcs8', pkcs8, { name: 'ECDH', namedCurve: 'P-256' }, false, [
      'deriveBits',
    ]);
    await expect(signP256(subtle, deriveOnly, data)).rejects.toThrow();
  });
});
