/**
 * Attacks on device sign-in and registration, each refused with a clear error and nothing stored
 * or changed: replayed challenges, another origin or RP ID, a counter that goes back, another
 * user's credential, registrations without a valid device statement, from a revoked or unknown
 * device, or with an unsigned "I am enrolled" claim.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SoftwareAuthenticator } from '../../dev/softwareAuthenticator.js';
import { deviceRevoke } from '../../portal/src/admin/adminActions.js';
import { listAudit } from '../../portal/src/store/audit.js';
import { listCredentials } from '../../portal/src/store/credentials.js';
import { fromBase64url, toBase64url } from '../../shared/webauthn/base64url.js';
import {
  addTestUser,
  deviceSignIn,
  deviceSignInOptions,
  enrollSoftwareDevice,
  postAssertion,
  postRegistration,
  registerDevice,
  registerEnrolledDevice,
  sessionInfo,
  signInWithPassword,
  startTestPortal,
  type TestPortal,
  type TestUser,
} from './helpers/portalTestKit.js';

type ErrorBody = { error: { code: string; message: string } };

describe('device sign-in attacks', () => {
  let kit: TestPortal;
  let user: TestUser;
  let device: SoftwareAuthenticator;
  beforeEach(async () => {
    kit = await startTestPortal();
    user = await addTestUser(kit, 'ada@example.com');
    ({ device } = await registerEnrolledDevice(kit, user));
  });
  afterEach(async () => {
    await kit.close();
  });

  it('should refuse a replayed assertion when its challenge was already used', async () => {
    const client = kit.client();
    const { csrf, options } = await deviceSignInOptions(client, user.email);
    const { credential } = await device.signIn(client.origin, options);
    expect((await postAssertion(client, csrf, { credential })).status).toBe(200);
    // The attacker replays the same assertion in their own pre-login session…
    const attacker = kit.client();
    const theirs = await deviceSignInOptions(attacker, user.email);
    const replay = await postAssertion(attacker, theirs.csrf, { credential });
    expect(replay.status).toBe(400);
    expect(replay.json<ErrorBody>().error.code).toBe('ERR_CHALLENGE_INVALID');
    expect((await sessionInfo(attacker)).signedIn).toBe(false);
  });

  it('should refuse an assertion when it was made for another origin', async () => {
    const client = kit.client();
    const { csrf, options } = await deviceSignInOptions(client, user.email);
    const { credential } = await device.signIn('http://localhost:1', options); // a copy of the page on another port;
    const res = await postAssertion(client, csrf, { credential });
    expect(res.status).toBe(400);
    expect(res.json<ErrorBody>().error).toMatchObject({ code: 'ERR_VERIFICATION_FAILED' });
    expect(res.json<ErrorBody>().error.message).toContain('origin');
    expect((await sessionInfo(client)).signedIn).toBe(false);
  });

  it('should refuse an assertion when its RP ID hash names another RP', async () => {
    const client = kit.client();
    const { csrf, options } = await deviceSignInOptions(client, user.email);
    const { credential } = await device.signIn(client.origin, options);
    const authData = fromBase64url(credential.response.authenticatorData);
    authData.set(createHash('sha256').update('evil.example').digest(), 0);
    const forged = { ...credential, response: { ...credential.response, authenticatorData: toBase64url(authData) } };
    const res = await postAssertion(client, csrf, { credential: forged });
    expect(res.status).toBe(400);
    expect(res.json<ErrorBody>().error.message).toMatch(/RP ID/i);
    expect((await listCredentials(kit.portal.db))[0]?.counter).toBe(0);
  });

  it('should refuse and audit a sign-in when the counter goes back', async () => {
    expect((await deviceSignIn(kit.client(), device, user.email)).status).toBe(200);
    expect((await deviceSignIn(kit.client(), device, user.email)).status).toBe(200);
    const credentialId = device.listCredentials()[0]?.id as string;
    device.setSignCount(credentialId, 0); // the next signature carries 1, below the stored 2
    const client = kit.client();
    const res = await deviceSignIn(client, device, user.email);
    expect(res.status).toBe(400);
    expect(res.json<ErrorBody>().error.message).toContain('counter');
    expect((await sessionInfo(client)).signedIn).toBe(false);
    expect((await listCredentials(kit.portal.db))[0]?.counter).toBe(2);
    expect((await listAudit(kit.portal.db)).some((e) => e.event === 'signin.counter-regression')).toBe(true);
  });

  it("should refuse another user's credential when signing in as this user", async () => {
    await addTestUser(kit, 'mallory@example.com');
    const client = kit.client();
    // Mallory starts sign-in with her email but answers with Ada's device credential.
    const { csrf, options } = await deviceSignInOptions(client, 'mallory@example.com');
    const { credential } = await device.signIn(client.origin, options);
    const res = await postAssertion(client, csrf, { credential });
    expect(res.status).toBe(403);
    expect(res.json<ErrorBody>().error).toMatchObject({
      code: 'ERR_FORBIDDEN',
      message: expect.stringContaining('another user'),
    });
    expect((await sessionInfo(client)).signedIn).toBe(false);
  });

  it('should refuse an assertion without user verification', async () => {
    device.misbehave.userVerified = false;
    const client = kit.client();
    const res = await deviceSignIn(client, device, user.email);
    expect(res.status).toBe(400);
    expect(res.json<ErrorBody>().error.message).toMatch(/verif/i);
  });
});

describe('registration attacks', () => {
  let kit: TestPortal;
  let user: TestUser;
  beforeEach(async () => {
    kit = await startTestPortal();
    user = await addTestUser(kit, 'ada@example.com');
  });
  afterEach(async () => {
    await kit.close();
  });

  async function attempt(
    device: SoftwareAuthenticator,
    tamper: (result: Awaited<ReturnType<SoftwareAuthenticator['register']>>) => unknown,
  ) {
    const client = kit.client();
    await signInWithPassword(kit, client, user);
    const { csrf, result } = await registerDevice(client, device);
    const res = await postRegistration(client, csrf, tamper(result));
    expect(await listCredentials(kit.portal.db)).toEqual([]);
    return res;
  }

  it('should refuse a registration when it has no device statement', async () => {
    const device = await enrollSoftwareDevice(kit);
    const res = await attempt(device, (r) => ({ credential: r.credential }));
    expect(res.status).toBe(400);
    expect(res.json<ErrorBody>().error.code).toBe('ERR_DEVICE_STATEMENT_INVALID');
  });

  it('should refuse a registration when the statement is signed by a key the inventory does not hold', async () => {
    const enrolled = await enrollSoftwareDevice(kit);
    const impostor = new SoftwareAuthenticator({ deviceId: enrolled.deviceId as string });
    await impostor.enrollIdentity(); // a different key, claiming the enrolled device's id
    const res = await attempt(impostor, (r) => r);
    expect(res.status).toBe(400);
    expect(res.json<ErrorBody>().error).toMatchObject({
      code: 'ERR_DEVICE_STATEMENT_INVALID',
      message: expect.stringContaining('signature'),
    });
  });

  it('should refuse a registration when the device is not in the inventory', async () => {
    const stranger = new SoftwareAuthenticator({ deviceId: 'dev_not_enrolled' });
    await stranger.enrollIdentity();
    const res = await attempt(stranger, (r) => r);
    expect(res.status).toBe(403);
    expect(res.json<ErrorBody>().error.code).toBe('ERR_DEVICE_NOT_ENROLLED');
  });

  it('should refuse a registration when the device was revoked', async () => {
    const device = await enrollSoftwareDevice(kit);
    await deviceRevoke(kit.portal.db, kit.clock.now, device.deviceId as string);
    const res = await attempt(device, (r) => r);
    expect(res.status).toBe(403);
    expect(res.json<ErrorBody>().error.code).toBe('ERR_DEVICE_REVOKED');
  });

  it('should refuse an unsigned "I am enrolled" claim', async () => {
    const device = await enrollSoftwareDevice(kit);
    const extraField = await attempt(device, (r) => ({
      credential: r.credential,
      enrolled: true,
      deviceId: device.deviceId,
    }));
    expect(extraField.status).toBe(400);
    expect(extraField.json<ErrorBody>().error.code).toBe('ERR_BAD_REQUEST');
    // An "alg: none" statement carrying the right claims but no signature.
    const unsigned = await attempt(device, (r) => {
      const [header, payload] = r.deviceStatement.split('.');
      const none = JSON.stringify({
        ...JSON.parse(new TextDecoder().decode(fromBase64url(header as string))),
        alg: 'none',
      });
      return { ...r, deviceStatement: `${toBase64url(new TextEncoder().encode(none))}.${payload}.` };
    });
    expect(unsigned.status).toBe(400);
    expect(unsigned.json<ErrorBody>().error.code).toBe('ERR_DEVICE_STATEMENT_INVALID');
  });

  it('should refuse a statement made for another registration', async () => {
    const device = await enrollSoftwareDevice(kit);
    const client = kit.client();
    await signInWithPassword(kit, client, user);
    const first = await registerDevice(client, device);
    const second = await registerDevice(client, device);
    // Second credential with the first ceremony's statement (other challenge, other key).
    const res = await postRegistration(client, second.csrf, {
      credential: second.result.credential,
      deviceStatement: first.result.deviceStatement,
    });
    expect(res.status).toBe(400);
    expect(res.json<ErrorBody>().error.code).toBe('ERR_DEVICE_STATEMENT_INVALID');
    expect(await listCredentials(kit.portal.db)).toEqual([]);
  });

  it('should refuse registration options when nobody is signed in', async () => {
    const client = kit.client();
    const page = await client.request('/signin');
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(page.body)?.[1] as string;
    const res = await client.request('/api/webauthn/registration/options', {
      json: {},
      headers: { 'x-csrf-token': csrf },
    });
    expect(res.status).toBe(401);
    expect(res.json<ErrorBody>().error.code).toBe('ERR_UNAUTHENTICATED');
  });
});
