import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { sampleRequestOptions } from '../../dev/sampleOptions.js';
import { nodeCrypto } from '../crypto/CryptoProvider.js';
import { peculiarCrypto } from '../crypto/peculiarCrypto.js';
import { randomBytes } from '../crypto/randomBytes.js';
import { authenticationResponseJSON } from '../protocol/webauthnJson.js';
import { fromBase64url, toBase64url } from './base64url.js';
import { coseKeyFromCryptoKey } from './coseKeyFromCryptoKey.js';
import { createAuthenticationResponse } from './createAuthenticationResponse.js';

const origin = 'http://localhost:4100';

describe.each([nodeCrypto, peculiarCrypto])('createAuthenticationResponse with $name', (provider) => {
  const { subtle } = provider;

  async function setup() {
    const keyPair = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const credentialId = randomBytes(32, provider);
    const stored = { id: toBase64url(credentialId), publicKey: await coseKeyFromCryptoKey(subtle, keyPair.publicKey) };
    const sign = async (data: Uint8Array<ArrayBuffer>) =>
      new Uint8Array(await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keyPair.privateKey, data));
    const assert = (signCount: number, overrides: Partial<Parameters<typeof createAuthenticationResponse>[0]> = {}) => {
      const options = sampleRequestOptions();
      return createAuthenticationResponse({
        subtle,
        origin,
        options,
        credentialId,
        userHandle: 'dXNlci1oYW5kbGU',
        signCount,
        userVerified: true,
        sign,
        ...overrides,
      }).then((response) => ({ response, options: overrides.options ?? options }));
    };
    return { stored, assert };
  }

  const verify = (
    response: unknown,
    challenge: string,
    stored: { id: string; publicKey: Uint8Array<ArrayBuffer> },
    expected: { origin?: string; rpId?: string; counter?: number } = {},
  ) =>
    verifyAuthenticationResponse({
      response: response as Parameters<typeof verifyAuthenticationResponse>[0]['response'],
      expectedChallenge: challenge,
      expectedOrigin: expected.origin ?? origin,
      expectedRPID: expected.rpId ?? 'localhost',
      requireUserVerification: true,
      credential: { ...stored, counter: expected.counter ?? 0 },
    });

  it('should be verified by @simplewebauthn/server with the new counter when everything matches', async () => {
    const { stored, assert } = await setup();
    const { response, options } = await assert(7);
    expect(authenticationResponseJSON.safeParse(response).success).toBe(true);
    expect(response.response.userHandle).toBe('dXNlci1oYW5kbGU');
    expect(response.authenticatorAttachment).toBe('platform');
    const result = await verify(response, options.challenge, stored, { counter: 6 });
    expect(result.verified).toBe(true);
    expect(result.authenticationInfo.newCounter).toBe(7);
    expect(result.authenticationInfo.userVerified).toBe(true);
  });

  it('should be verified when a synchronous sha256 is injected in place of subtle.digest', async () => {
    const { stored, assert } = await setup();
    const hashed: string[] = [];
    // A synchronous SHA-256 written against the same provider would need a thread; a lookup table is enough here.
    const table = new Map<string, Uint8Array>();
    const sync = (data: Uint8Array | string) => {
      const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
      hashed.push(text);
      return table.get(text) as Uint8Array;
    };
    const options = sampleRequestOptions();
    const { clientDataJSON } = (await assert(3, { options })).response.response;
    for (const text of ['localhost', new TextDecoder().decode(fromBase64url(clientDataJSON))]) {
      table.set(text, new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(text))));
    }
    const { response } = await assert(4, { options, sha256: sync });
    expect(hashed).toHaveLength(2);
    expect((await verify(response, options.challenge, stored, { counter: 3 })).verified).toBe(true);
  });

  it('should set flags 0x05 and DER-encode the signature when creating an assertion', async () => {
    const { assert } = await setup();
    const { response } = await assert(1);
    const authData = fromBase64url(response.response.authenticatorData);
    expect(authData[32]).toBe(0x05);
    expect(fromBase64url(response.response.signature)[0]).toBe(0x30);
  });

  it('should encode the user handle when it is given as bytes, and omit it when absent', async () => {
    const { assert } = await setup();
    const bytes = new Uint8Array([1, 2, 3]);
    expect((await assert(1, { userHandle: bytes })).response.response.userHandle).toBe(toBase64url(bytes));
    expect('userHandle' in (await assert(1, { userHandle: undefined })).response.response).toBe(false);
  });

  it('should be refused by the verifier when the expected origin is another', async () => {
    const { stored, assert } = await setup();
    const { response, options } = await assert(1);
    await expect(verify(response, options.challenge, stored, { origin: 'http://localhost:9999' })).rejects.toThrow(
      /origin/i,
    );
  });

  it('should be refused by the verifier when the expected RP ID is another', async () => {
    const { stored, assert } = await setup();
    const { response, options } = await assert(1);
    await expect(verify(response, options.challenge, stored, { rpId: 'portal.example' })).rejects.toThrow(/RP ID/i);
  });

  it('should fail verification when clientDataJSON was tampered with after signing', async () => {
    const { stored, assert } = await setup();
    const { response, options } = await assert(1);
    // Same challenge and origin, different bytes: only the signature can catch it.
    const clientData = JSON.parse(new TextDecoder().decode(fromBase64url(response.response.clientDataJSON)));
    clientData.crossOrigin = false;
    clientData.extra = 'tampered';
    response.response.clientDataJSON = toBase64url(new TextEncoder().encode(JSON.stringify(clientData)));
    const result = await verify(response, options.challenge, stored);
    expect(result.verified).toBe(false);
  });

  it('should fail verification when authenticatorData was tampered with after signing', async () => {
    const { stored, assert } = await setup();
    const { response, options } = await assert(1);
    const authData = fromBase64url(response.response.authenticatorData);
    authData[36] = 0x63; // raise the counter without re-signing
    response.response.authenticatorData = toBase64url(authData);
    const result = await verify(response, options.challenge, stored);
    expect(result.verified).toBe(false);
  });

  it('should fail verification when the signature was tampered with', async () => {
    const { stored, assert } = await setup();
    const { response, options } = await assert(1);
    const signature = fromBase64url(response.response.signature);
    signature[signature.length - 1] = (signature[signature.length - 1] as number) ^ 0x01;
    response.response.signature = toBase64url(signature);
    const result = await verify(response, options.challenge, stored);
    expect(result.verified).toBe(false);
  });

  it('should be refused by the verifier when the counter is not above the stored one (replay)', async () => {
    const { stored, assert } = await setup();
    const { response, options } = await assert(3);
    await expect(verify(response, options.challenge, stored, { counter: 5 })).rejects.toThrow(/counter/i);
    const again = await assert(5);
    await expect(verify(again.response, again.options.challenge, stored, { counter: 5 })).rejects.toThrow(/counter/i);
  });

  it('should leave UV off and be refused with requireUserVerification when the user was not verified', async () => {
    const { stored, assert } = await setup();
    const { response, options } = await assert(1, { userVerified: false });
    expect(parseAuthenticatorData(fromBase64url(response.response.authenticatorData)).flags.uv).toBe(false);
    await expect(verify(response, options.challenge, stored)).rejects.toThrow(/user could not be verified/i);
  });

  it('should throw ERR_RP_ID_MISMATCH when the options name an RP ID the origin may not use', async () => {
    const { assert } = await setup();
    await expect(assert(1, { options: sampleRequestOptions({ rpId: 'evil.example' }) })).rejects.toMatchObject({
      code: 'ERR_RP_ID_MISMATCH',
    });
  });

  it('should sign authenticatorData followed by SHA-256(clientDataJSON) when asking the signer', async () => {
    const { assert } = await setup();
    let signed: Uint8Array | undefined;
    const { response } = await assert(2, {
      sign: async (data) => {
        signed = data;
        return new Uint8Array(64).fill(1);
      },
    });
    const authData = fromBase64url(response.response.authenticatorData);
    const clientHash = new Uint8Array(await subtle.digest('SHA-256', fromBase64url(response.response.clientDataJSON)));
    expect(signed).toEqual(new Uint8Array([...authData, ...clientHash]));
  });
});
