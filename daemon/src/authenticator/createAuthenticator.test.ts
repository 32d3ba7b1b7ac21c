import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyAuthenticationResponse, verifyRegistrationResponse } from '@simplewebauthn/server';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDaemonState, type TestDaemonState } from '../../../dev/openTestDaemonState.js';
import { sampleCreationOptions, sampleRequestOptions } from '../../../dev/sampleOptions.js';
import { nodeCrypto } from '../../../shared/crypto/index.js';
import { peculiarCrypto } from '../../../shared/crypto/peculiarCrypto.js';
import { verifyDeviceStatement } from '../../../shared/device/verifyDeviceStatement.js';
import { fromBase64url } from '../../../shared/webauthn/base64url.js';

const ORIGIN = 'http://localhost:3000';
const ctx = { requestId: 'req-1', browser: 'chrome' };
const opened: TestDaemonState[] = [];
afterEach(async () => {
  for (const t of opened.splice(0)) await t.cleanup();
});
async function setup(options: Parameters<typeof openTestDaemonState>[0] = {}) {
  const t = await openTestDaemonState(options);
  opened.push(t);
  return t;
}

/** Registers ada@example.com at localhost and verifies the response as a relying party would. */
async function registerAndVerify(t: TestDaemonState) {
  const auth = t.state.createAuthenticator(t.protect);
  const options = sampleCreationOptions();
  const result = await auth.register({ origin: ORIGIN, options }, ctx);
  const verified = await verifyRegistrationResponse({
    response: result.credential,
    expectedChallenge: options.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: 'localhost',
    requireUserVerification: true,
  });
  if (!verified.verified) throw new Error('registration did not verify');
  return { auth, options, result, info: verified.registrationInfo };
}

describe.each([nodeCrypto, peculiarCrypto])('authenticator ($name)', (crypto) => {
  it('should produce a registration and a sign-in that @simplewebauthn/server verifies with UV set', async () => {
    const t = await setup({ crypto });
    const { auth, info } = await registerAndVerify(t);
    expect(info.userVerified).toBe(true);
    const options = sampleRequestOptions();
    const { credential } = await auth.signIn({ origin: ORIGIN, options }, ctx);
    const verified = await verifyAuthenticationResponse({
      response: credential,
      expectedChallenge: options.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: 'localhost',
      credential: { id: info.credential.id, publicKey: info.credential.publicKey, counter: 0 },
      requireUserVerification: true,
    });
    expect(verified).toMatchObject({ verified: true, authenticationInfo: { newCounter: 1, userVerified: true } });
    expect(t.protect.outcomes).toEqual([{ ok: true }, { ok: true }]);
  });
});

describe('authenticator', () => {
  it('should sign a device statement the portal can verify with the enrolled identity key', async () => {
    const t = await setup();
    const { options, result, info } = await registerAndVerify(t);
    const profile = await t.state.profile.get();
    const publicKeyJwk = await t.state.keyStore.publicKey(profile.enrollment.identityKeyRef as string);
    const statement = await verifyDeviceStatement({
      jws: result.deviceStatement,
      publicKeyJwk,
      expected: {
        deviceId: profile.enrollment.deviceId as string,
        rpId: 'localhost',
        credentialId: info.credential.id,
        cosePublicKey: info.credential.publicKey,
        challenge: options.challenge,
      },
    });
    expect(statement).toMatchObject({ verified: true, payload: { enrollmentType: 'desktop-agent' } });
  });

  it('should create one device identity when two first registrations run at once', async () => {
    const t = await setup();
    await t.state.profile.update((p) => ({ ...p, enrollment: { state: 'enrolled', type: 'desktop-agent' } }));
    const auth = t.state.createAuthenticator(t.protect);
    const [a, b] = await Promise.all(
      [0, 1].map((i) =>
        auth.register({ origin: ORIGIN, options: sampleCreationOptions() }, { ...ctx, requestId: `r${i}` }),
      ),
    );
    const kid = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[0] as string, 'base64url').toString()).kid;
    expect(kid(a?.deviceStatement as string)).toBe(kid(b?.deviceStatement as string));
    expect((await t.state.keyStore.list()).filter((k) => k.purpose === 'device-identity')).toHaveLength(1);
  });

  it('should return no response and store nothing when Protect denies the registration', async () => {
    const t = await setup();
    t.protect.mode = 'deny';
    const auth = t.state.createAuthenticator(t.protect);
    await expect(auth.register({ origin: ORIGIN, options: sampleCreationOptions() }, ctx)).rejects.toMatchObject({
      code: 'ERR_USER_DENIED',
    });
    expect(t.state.credentials.count()).toBe(0);
    expect((await t.state.keyStore.list()).filter((k) => k.purpose === 'credential')).toEqual([]);
  });

  it('should return no assertion and keep the counter when Protect times out a sign-in', async () => {
    const t = await setup();
    const { auth } = await registerAndVerify(t);
    t.protect.mode = 'timeout';
    await expect(auth.signIn({ origin: ORIGIN, options: sampleRequestOptions() }, ctx)).rejects.toMatchObject({
      code: 'ERR_USER_VERIFICATION_TIMEOUT',
    });
    expect(t.state.credentials.list()[0]?.counter).toBe(0);
  });

  it('should refuse registration with the prerequisite code before asking Protect when the device is not eligible', async () => {
    const t = await setup();
    await t.state.device.setNotifications(false);
    const auth = t.state.createAuthenticator(t.protect);
    await expect(auth.register({ origin: ORIGIN, options: sampleCreationOptions() }, ctx)).rejects.toMatchObject({
      code: 'ERR_NOTIFICATIONS_OFF',
      message: 'Allow notifications for Protect in the device settings, then try again.',
    });
    expect(t.protect.requests).toEqual([]);
    const audit = await readFile(join(t.dataDir, 'audit.log'), 'utf8');
    expect(audit).toContain('"event":"registration.refused"');
    expect(audit).toContain('"code":"ERR_NOTIFICATIONS_OFF"');
  });

  it('should refuse with ERR_CREDENTIAL_EXCLUDED when the portal excludes a credential this device holds', async () => {
    const t = await setup();
    const { auth, result } = await registerAndVerify(t);
    const options = sampleCreationOptions({ excludeCredentials: [{ id: result.credential.id, type: 'public-key' }] });
    await expect(auth.register({ origin: ORIGIN, options }, ctx)).rejects.toMatchObject({
      code: 'ERR_CREDENTIAL_EXCLUDED',
    });
  });

  it('should refuse with ERR_RP_ID_MISMATCH when the RP ID does not belong to the origin', async () => {
    const t = await setup();
    const auth = t.state.createAuthenticator(t.protect);
    const options = sampleCreationOptions({ rp: { id: 'example.com', name: 'x' } });
    await expect(auth.register({ origin: ORIGIN, options }, ctx)).rejects.toMatchObject({ code: 'ERR_RP_ID_MISMATCH' });
  });

  it('should refuse with ERR_CREDENTIAL_NOT_FOUND when no credential matches allowCredentials', async () => {
    const t = await setup();
    const { auth } = await registerAndVerify(t);
    const options = sampleRequestOptions({ allowCredentials: [{ id: 'AAAAAAAAAAAAAAAAAAAAAA', type: 'public-key' }] });
    await expect(auth.signIn({ origin: ORIGIN, options }, ctx)).rejects.toMatchObject({
      code: 'ERR_CREDENTIAL_NOT_FOUND',
    });
  });

  it('should refuse sign-in with ERR_DEVICE_SIGNIN_DISABLED when device sign-in is turned off', async () => {
    const t = await setup();
    const { auth } = await registerAndVerify(t);
    expect(await auth.setSettings({ deviceSignIn: false })).toEqual({ deviceSignIn: false, notifications: true });
    await expect(auth.signIn({ origin: ORIGIN, options: sampleRequestOptions() }, ctx)).rejects.toMatchObject({
      code: 'ERR_DEVICE_SIGNIN_DISABLED',
    });
    expect((await auth.status({ rpId: 'localhost' })).eligibility.problem?.code).toBe('ERR_DEVICE_SIGNIN_DISABLED');
  });

  it.each([
    ['ERR_NOT_ENROLLED', (t: Awaited<ReturnType<typeof setup>>) => t.state.device.unenroll()],
    [
      'ERR_UV_NOT_CONFIGURED',
      (t: Awaited<ReturnType<typeof setup>>) =>
        t.state.device
          .set('userVerification.biometrics', 'off')
          .then(() => t.state.device.set('userVerification.pin', 'off')),
    ],
  ] as const)(
    'should refuse sign-in with %s before asking Protect when the device lost a prerequisite after registering',
    async (code, lose) => {
      const t = await setup();
      const { auth } = await registerAndVerify(t);
      const asked = t.protect.requests.length;
      await lose(t);
      await expect(auth.signIn({ origin: ORIGIN, options: sampleRequestOptions() }, ctx)).rejects.toMatchObject({
        code,
      });
      expect(t.protect.requests.length).toBe(asked);
      expect(t.state.credentials.list()[0]?.counter).toBe(0);
    },
  );

  it('should keep increasing the counter across a daemon restart', async () => {
    const t = await setup();
    const { auth, info } = await registerAndVerify(t);
    await auth.signIn({ origin: ORIGIN, options: sampleRequestOptions() }, ctx);
    await auth.signIn({ origin: ORIGIN, options: sampleRequestOptions() }, ctx);
    const restarted = (await t.reopen()).createAuthenticator(t.protect);
    const options = sampleRequestOptions({ allowCredentials: [{ id: info.credential.id, type: 'public-key' }] });
    const { credential } = await restarted.signIn({ origin: ORIGIN, options }, ctx);
    const verified = await verifyAuthenticationResponse({
      response: credential,
      expectedChallenge: options.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: 'localhost',
      credential: { id: info.credential.id, publicKey: info.credential.publicKey, counter: 2 },
    });
    expect(verified.authenticationInfo.newCounter).toBe(3);
  });

  it('should refuse to sign with a data dir copied to another machine and say so', async () => {
    const t = await setup();
    await registerAndVerify(t);
    const elsewhere = (
      await t.reopen({ machineIdentity: { machineId: 'test-machine-b', uid: 1000, username: 'ada' } })
    ).createAuthenticator(t.protect);
    await expect(elsewhere.signIn({ origin: ORIGIN, options: sampleRequestOptions() }, ctx)).rejects.toMatchObject({
      code: 'ERR_KEYSTORE_WRONG_MACHINE',
      message: 'This key store was created on another machine or for another user; register this device again',
    });
  });

  it('should keep challenges, signatures and statements out of the audit log when registering and signing in', async () => {
    const t = await setup();
    const { auth, options: creation, result } = await registerAndVerify(t);
    const request = sampleRequestOptions();
    const { credential } = await auth.signIn({ origin: ORIGIN, options: request }, ctx);
    const audit = await readFile(join(t.dataDir, 'audit.log'), 'utf8');
    expect(audit).toContain('"event":"registration.succeeded"');
    expect(audit).toContain('"event":"signin.succeeded"');
    for (const secret of [
      creation.challenge,
      request.challenge,
      credential.response.signature,
      result.deviceStatement,
    ]) {
      expect(audit).not.toContain(secret);
    }
  });

  it('should tell the user to register again and tell Protect it failed when the credential key is lost', async () => {
    const t = await setup();
    await registerAndVerify(t);
    await rm(join(t.dataDir, 'keys', `${t.state.credentials.list()[0]?.keyRef}.key`));
    const restarted = (await t.reopen()).createAuthenticator(t.protect);
    await expect(restarted.signIn({ origin: ORIGIN, options: sampleRequestOptions() }, ctx)).rejects.toMatchObject({
      code: 'ERR_KEY_NOT_FOUND',
      message: expect.stringContaining('register again'),
    });
    expect(t.protect.outcomes.at(-1)).toEqual({ ok: false, code: 'ERR_KEY_NOT_FOUND' });
  });

  it('should report registered for the user and list, show and delete the account', async () => {
    const t = await setup();
    const { auth, result } = await registerAndVerify(t);
    expect(await auth.status({ rpId: 'localhost', userName: 'ada@example.com' })).toMatchObject({
      registered: true,
      eligibility: { eligible: true },
      device: { enrollment: { state: 'enrolled' }, protect: { installed: true, managed: true } },
    });
    expect(await auth.status({ rpId: 'localhost', userName: 'bob@example.com' })).toMatchObject({ registered: false });
    const { accounts } = await auth.listAccounts();
    expect(accounts).toEqual([
      expect.objectContaining({ kind: 'device-signin', id: result.credential.id, counter: 0 }),
    ]);
    expect((await auth.showAccount(result.credential.id)).account).toMatchObject({
      userName: 'ada@example.com',
      rpId: 'localhost',
    });
    expect(await auth.deleteAccount(result.credential.id)).toEqual({ deleted: true });
    await expect(auth.showAccount(result.credential.id)).rejects.toMatchObject({ code: 'ERR_ACCOUNT_NOT_FOUND' });
    expect(fromBase64url(result.credential.id).byteLength).toBe(32);
  });
});
