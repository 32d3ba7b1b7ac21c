import { verifyAuthenticationResponse, verifyRegistrationResponse } from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../shared/crypto/CryptoProvider.js';
import { peculiarCrypto } from '../shared/crypto/peculiarCrypto.js';
import { verifyDeviceStatement } from '../shared/device/verifyDeviceStatement.js';
import { resultSchemas } from '../shared/protocol/messages.js';
import { sampleCreationOptions, sampleRequestOptions } from './sampleOptions.js';
import { SoftwareAuthenticator } from './softwareAuthenticator.js';

const origin = 'http://localhost:4200';
type RegResponse = Parameters<typeof verifyRegistrationResponse>[0]['response'];
type AuthResponse = Parameters<typeof verifyAuthenticationResponse>[0]['response'];

describe.each([nodeCrypto, peculiarCrypto])('SoftwareAuthenticator with $name', (provider) => {
  async function registered() {
    const authenticator = new SoftwareAuthenticator({
      provider,
      deviceId: 'dev_1',
      enrollmentType: 'android-work-profile',
    });
    const publicKeyJwk = await authenticator.enrollIdentity();
    const options = sampleCreationOptions();
    const result = await authenticator.register(origin, options);
    const verified = await verifyRegistrationResponse({
      response: result.credential as RegResponse,
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: 'localhost',
      requireUserVerification: true,
    });
    const credential = verified.registrationInfo!.credential;
    return { authenticator, publicKeyJwk, options, result, verified, credential };
  }

  const verifySignIn = async (
    authenticator: SoftwareAuthenticator,
    credential: { id: string; publicKey: Uint8Array<ArrayBuffer>; counter: number },
  ) => {
    const options = sampleRequestOptions({ allowCredentials: [{ type: 'public-key', id: credential.id }] });
    const { credential: response } = await authenticator.signIn(origin, options);
    return verifyAuthenticationResponse({
      response: response as AuthResponse,
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: 'localhost',
      requireUserVerification: true,
      credential,
    });
  };

  it('should return a register result the protocol schema and @simplewebauthn/server accept', async () => {
    const { result, verified } = await registered();
    expect(resultSchemas.register.safeParse(result).success).toBe(true);
    expect(verified.verified).toBe(true);
  });

  it('should return a device statement that verifies against the identity key when registering', async () => {
    const { result, publicKeyJwk, credential, options } = await registered();
    const statement = await verifyDeviceStatement({
      jws: result.deviceStatement,
      publicKeyJwk,
      expected: {
        deviceId: 'dev_1',
        rpId: 'localhost',
        credentialId: credential.id,
        cosePublicKey: credential.publicKey,
        challenge: options.challenge,
      },
    });
    expect(statement.verified).toBe(true);
    if (statement.verified) expect(statement.payload.enrollmentType).toBe('android-work-profile');
  });

  it('should expose only the public part of the identity key when enrolled', async () => {
    const { publicKeyJwk, authenticator } = await registered();
    expect(Object.keys(publicKeyJwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect(authenticator.identityPublicJwk).toEqual(publicKeyJwk);
  });

  it('should sign in with increasing counters that the verifier accepts when used repeatedly', async () => {
    const { authenticator, credential } = await registered();
    let counter = 0;
    for (let i = 1; i <= 3; i++) {
      const result = await verifySignIn(authenticator, { ...credential, counter });
      expect(result.verified).toBe(true);
      expect(result.authenticationInfo.newCounter).toBe(i);
      counter = result.authenticationInfo.newCounter;
    }
    const signInResult = await authenticator.signIn(origin, sampleRequestOptions());
    expect(resultSchemas.signIn.safeParse(signInResult).success).toBe(true);
  });

  it('should be refused when misbehaving with userVerified false', async () => {
    const { authenticator, credential } = await registered();
    authenticator.misbehave = { userVerified: false };
    await expect(verifySignIn(authenticator, credential)).rejects.toThrow(/user could not be verified/i);
  });

  it('should be refused as a replay when misbehaving with a fixed counter', async () => {
    const { authenticator, credential } = await registered();
    authenticator.misbehave = { fixedCounter: 4 };
    const first = await verifySignIn(authenticator, credential);
    expect(first.authenticationInfo.newCounter).toBe(4);
    await expect(verifySignIn(authenticator, { ...credential, counter: 4 })).rejects.toThrow(/counter/i);
  });

  it('should be refused when its counter was set back', async () => {
    const { authenticator, credential } = await registered();
    await verifySignIn(authenticator, credential);
    await verifySignIn(authenticator, credential);
    authenticator.setSignCount(credential.id, 0);
    await expect(verifySignIn(authenticator, { ...credential, counter: 2 })).rejects.toThrow(/counter/i);
  });

  it('should be refused by the verifier when misbehaving with another origin or RP ID', async () => {
    const { authenticator, credential } = await registered();
    authenticator.misbehave = { signInOrigin: 'http://localhost:6666' };
    await expect(verifySignIn(authenticator, credential)).rejects.toThrow(/origin/i);
    authenticator.misbehave = { signInOrigin: 'https://evil.example', signInRpId: 'evil.example' };
    const options = sampleRequestOptions();
    const { credential: response } = await authenticator.signIn(origin, options);
    const verifyAt = (expectedOrigin: string) =>
      verifyAuthenticationResponse({
        response: response as AuthResponse,
        expectedChallenge: options.challenge,
        expectedOrigin,
        expectedRPID: 'localhost',
        requireUserVerification: true,
        credential,
      });
    await expect(verifyAt(origin)).rejects.toThrow(/origin/i);
    // Even a verifier that accepted the origin would refuse the RP ID hash.
    await expect(verifyAt('https://evil.example')).rejects.toThrow(/RP ID/i);
  });

  it('should throw ERR_CREDENTIAL_NOT_FOUND when no credential matches the RP ID or allow list', async () => {
    const { authenticator } = await registered();
    await expect(
      authenticator.signIn('https://portal.example', sampleRequestOptions({ rpId: 'portal.example' })),
    ).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_NOT_FOUND' });
    await expect(
      authenticator.signIn(origin, sampleRequestOptions({ allowCredentials: [{ type: 'public-key', id: 'AAAA' }] })),
    ).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_NOT_FOUND' });
  });

  it('should not find a credential after it was deleted', async () => {
    const { authenticator, credential } = await registered();
    expect(authenticator.listCredentials().map((c) => c.id)).toEqual([credential.id]);
    expect(authenticator.deleteCredential(credential.id)).toBe(true);
    await expect(authenticator.signIn(origin, sampleRequestOptions())).rejects.toMatchObject({
      code: 'ERR_CREDENTIAL_NOT_FOUND',
    });
  });

  it('should throw a TypeError when registering before enrollment', async () => {
    const authenticator = new SoftwareAuthenticator({ provider });
    await expect(authenticator.register(origin, sampleCreationOptions())).rejects.toThrow(TypeError);
    await authenticator.enrollIdentity();
    await expect(authenticator.register(origin, sampleCreationOptions())).rejects.toThrow(/deviceId/);
  });
});
