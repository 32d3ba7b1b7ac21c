import { verifyRegistrationResponse } from '@simplewebauthn/server';
import { parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { sampleCreationOptions } from '../../dev/sampleOptions.js';
import { nodeCrypto } from '../crypto/CryptoProvider.js';
import { peculiarCrypto } from '../crypto/peculiarCrypto.js';
import { randomBytes } from '../crypto/randomBytes.js';
import { AuthenticatorError } from '../errors.js';
import { registrationResponseJSON } from '../protocol/webauthnJson.js';
import { fromBase64url, toBase64url } from './base64url.js';
import { createRegistrationResponse } from './createRegistrationResponse.js';

const origin = 'http://localhost:4100';

describe.each([nodeCrypto, peculiarCrypto])('createRegistrationResponse with $name', (provider) => {
  const { subtle } = provider;

  async function register(overrides: Partial<Parameters<typeof createRegistrationResponse>[0]> = {}) {
    const keyPair = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const options = sampleCreationOptions();
    const credentialId = randomBytes(32, provider);
    const created = await createRegistrationResponse({
      subtle,
      origin,
      options,
      credentialId,
      publicKey: keyPair.publicKey,
      signCount: 0,
      userVerified: true,
      ...overrides,
    });
    return { ...created, options, credentialId, keyPair };
  }

  const verify = (response: unknown, challenge: string, expected: { origin?: string; rpId?: string } = {}) =>
    verifyRegistrationResponse({
      response: response as Parameters<typeof verifyRegistrationResponse>[0]['response'],
      expectedChallenge: challenge,
      expectedOrigin: expected.origin ?? origin,
      expectedRPID: expected.rpId ?? 'localhost',
      requireUserVerification: true,
    });

  it('should be verified by @simplewebauthn/server when the expected origin and RP ID match', async () => {
    const { response, rpId, cosePublicKey, options, credentialId } = await register();
    expect(rpId).toBe('localhost');
    const result = await verify(response, options.challenge);
    expect(result.verified).toBe(true);
    const info = result.registrationInfo!;
    expect(info.fmt).toBe('none');
    expect(info.userVerified).toBe(true);
    expect(info.credential.id).toBe(toBase64url(credentialId));
    expect(info.credential.publicKey).toEqual(cosePublicKey);
    expect(info.credential.counter).toBe(0);
    expect(info.credentialDeviceType).toBe('singleDevice');
    expect(info.credentialBackedUp).toBe(false);
    expect(info.aaguid).toBe('00000000-0000-0000-0000-000000000000');
  });

  it('should fill the JSON fields a platform authenticator returns when creating a response', async () => {
    const { response, keyPair, credentialId } = await register();
    expect(registrationResponseJSON.safeParse(response).success).toBe(true);
    expect(response.id).toBe(toBase64url(credentialId));
    expect(response.rawId).toBe(response.id);
    expect(response.authenticatorAttachment).toBe('platform');
    expect(response.clientExtensionResults).toEqual({});
    expect(response.response.transports).toEqual(['internal']);
    expect(response.response.publicKeyAlgorithm).toBe(-7);
    const spki = new Uint8Array(await subtle.exportKey('spki', keyPair.publicKey));
    expect(response.response.publicKey).toBe(toBase64url(spki));
    const flags = parseAuthenticatorData(fromBase64url(response.response.authenticatorData!)).flags;
    expect(flags).toMatchObject({ up: true, uv: true, at: true, be: false, bs: false });
  });

  it('should leave UV off and be refused with requireUserVerification when the user was not verified', async () => {
    const { response, options } = await register({ userVerified: false });
    const flags = parseAuthenticatorData(fromBase64url(response.response.authenticatorData!)).flags;
    expect(flags.uv).toBe(false);
    await expect(verify(response, options.challenge)).rejects.toThrow(/user could not be verified/i);
  });

  it('should be refused by the verifier when the expected origin is another', async () => {
    const { response, options } = await register();
    await expect(verify(response, options.challenge, { origin: 'https://portal.example' })).rejects.toThrow(/origin/i);
  });

  it('should be refused by the verifier when the expected RP ID is another', async () => {
    const { response, options } = await register();
    await expect(verify(response, options.challenge, { rpId: 'portal.example' })).rejects.toThrow(/RP ID/i);
  });

  it('should be refused by the verifier when clientDataJSON was tampered with', async () => {
    const { response, options } = await register();
    const clientData = JSON.parse(new TextDecoder().decode(fromBase64url(response.response.clientDataJSON)));
    clientData.challenge = toBase64url(randomBytes(32, provider));
    response.response.clientDataJSON = toBase64url(new TextEncoder().encode(JSON.stringify(clientData)));
    await expect(verify(response, options.challenge)).rejects.toThrow(/challenge/i);
  });

  it('should use the RP ID from the options when it is a parent domain of the origin', async () => {
    const options = sampleCreationOptions({ rp: { id: 'example.com', name: 'Example' } });
    const { publicKey } = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const { response, rpId } = await createRegistrationResponse({
      subtle,
      origin: 'https://login.example.com',
      options,
      credentialId: randomBytes(16, provider),
      publicKey,
      signCount: 0,
      userVerified: true,
    });
    expect(rpId).toBe('example.com');
    const result = await verify(response, options.challenge, {
      origin: 'https://login.example.com',
      rpId: 'example.com',
    });
    expect(result.verified).toBe(true);
  });

  it('should throw ERR_RP_ID_MISMATCH when the options name an RP ID the origin may not use', async () => {
    const options = sampleCreationOptions({ rp: { id: 'evil.example', name: 'Evil' } });
    const promise = register({ options });
    await expect(promise).rejects.toBeInstanceOf(AuthenticatorError);
    await expect(promise).rejects.toMatchObject({ code: 'ERR_RP_ID_MISMATCH' });
  });

  it('should throw ERR_ALGORITHM_UNSUPPORTED naming the algorithms when ES256 is not offered', async () => {
    const options = sampleCreationOptions({ pubKeyCredParams: [{ type: 'public-key', alg: -257 }] });
    const promise = register({ options });
    await expect(promise).rejects.toMatchObject({ code: 'ERR_ALGORITHM_UNSUPPORTED' });
    await expect(promise).rejects.toThrow('[-257]');
  });
});
