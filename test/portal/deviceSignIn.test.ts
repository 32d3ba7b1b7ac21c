/**
 * Device sign-in over real HTTP with a SoftwareAuthenticator in place of extension + daemon:
 * enrollment, registration after password + MFA, passwordless sign-in, Device Trust evaluated on
 * every use (revoke and credential delete take effect at once), step-up and the untrusted page.
 */
import type { Request, Response } from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CookieJarFetch } from '../../dev/CookieJarFetch.js';
import { credentialDelete, deviceRevoke, setOrgDeviceTrust } from '../../portal/src/admin/adminActions.js';
import { defaultOidcHooks } from '../../portal/src/oidc/OidcHooks.js';
import { listAudit } from '../../portal/src/store/audit.js';
import { listCredentials } from '../../portal/src/store/credentials.js';
import { findSession } from '../../portal/src/store/sessions.js';
import { checkProtectedAccess, trustOfSession } from '../../portal/src/trust/evaluateDeviceTrust.js';
import {
  addTestUser,
  deviceSignIn,
  registerEnrolledDevice,
  sessionInfo,
  signInWithPassword,
  startTestPortal,
  type TestPortal,
  type TestUser,
} from './helpers/portalTestKit.js';

describe('device sign-in', () => {
  let kit: TestPortal;
  let user: TestUser;
  beforeEach(async () => {
    kit = await startTestPortal();
    user = await addTestUser(kit, 'ada@example.com', { mfa: true });
  });
  afterEach(async () => {
    await kit.close();
  });

  const sessionOf = (client: CookieJarFetch) =>
    findSession(kit.portal.db, client.cookie('kb_session') as string, kit.clock.now);

  const registered = () => registerEnrolledDevice(kit, user);

  it('should store the credential with user and device when an enrolled device registers after password + MFA', async () => {
    const { device, client } = await registered();
    const [credential] = await listCredentials(kit.portal.db);
    expect(credential).toMatchObject({ deviceId: device.deviceId, counter: 0 });
    expect(credential?.id).toBe(device.listCredentials()[0]?.id);
    // Registering is not signing in with the device: the session stays a password session.
    expect(await sessionInfo(client)).toMatchObject({ signedIn: true, method: 'password+mfa', trusted: false });
    expect(
      (await listAudit(kit.portal.db)).some(
        (e) => e.event === 'credential.registered' && e.deviceId === device.deviceId,
      ),
    ).toBe(true);
  });

  it('should sign in without a password and trust the session when the device signs in', async () => {
    const { device } = await registered();
    await setOrgDeviceTrust(kit.portal.db, kit.clock.now, true);
    const client = kit.client();
    const res = await deviceSignIn(client, device, user.email);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: true, next: '/' });
    expect(await sessionInfo(client)).toMatchObject({
      signedIn: true,
      method: 'device',
      trusted: true,
      trustReason: 'trusted-device',
    });
    const decision = await checkProtectedAccess(kit.portal.db, await sessionOf(client));
    expect(decision).toMatchObject({ allowed: true, trusted: true, required: true });
    const signin = (await listAudit(kit.portal.db)).filter((e) => e.event === 'signin.success').at(-1);
    expect(signin).toMatchObject({
      deviceId: device.deviceId,
      details: { method: 'device', trusted: true, phishingResistant: true },
    });
    expect((await listCredentials(kit.portal.db))[0]?.counter).toBe(1);
  });

  it('should refuse a password session for protected apps when Device Trust is on', async () => {
    await setOrgDeviceTrust(kit.portal.db, kit.clock.now, true);
    const client = kit.client();
    await signInWithPassword(kit, client, user);
    const decision = await checkProtectedAccess(kit.portal.db, await sessionOf(client));
    expect(decision).toMatchObject({ allowed: false, trusted: false, required: true, reason: 'not-device-sign-in' });
    // The home page says why and offers device sign-in (step-up) right there.
    const home = await client.request('/');
    expect(home.body).toContain('This session is not trusted');
    expect(home.body).toContain('id="step-up" href="/signin/step-up?return_to=/"');
    // With Device Trust off, the same session may open protected apps.
    await setOrgDeviceTrust(kit.portal.db, kit.clock.now, false);
    expect((await checkProtectedAccess(kit.portal.db, await sessionOf(client))).allowed).toBe(true);
  });

  it('should stop trusting the session at once when the device is revoked', async () => {
    const { device } = await registered();
    const client = kit.client();
    await deviceSignIn(client, device, user.email);
    expect((await trustOfSession(kit.portal.db, await sessionOf(client))).trusted).toBe(true);
    await deviceRevoke(kit.portal.db, kit.clock.now, device.deviceId as string);
    expect(await trustOfSession(kit.portal.db, await sessionOf(client))).toMatchObject({
      trusted: false,
      reason: 'device-revoked',
    });
    expect(await sessionInfo(client)).toMatchObject({ trusted: false, trustReason: 'device-revoked' });
    // And the revoked device cannot sign in again.
    const again = await deviceSignIn(kit.client(), device, user.email);
    expect(again.status).toBe(403);
    expect(again.json()).toMatchObject({ error: { code: 'ERR_DEVICE_REVOKED' } });
  });

  it('should stop trusting the session at once when the credential is deleted', async () => {
    const { device } = await registered();
    const client = kit.client();
    await deviceSignIn(client, device, user.email);
    await credentialDelete(kit.portal.db, kit.clock.now, device.listCredentials()[0]?.id as string);
    expect(await trustOfSession(kit.portal.db, await sessionOf(client))).toMatchObject({
      trusted: false,
      reason: 'credential-deleted',
    });
    const again = await deviceSignIn(kit.client(), device, user.email);
    expect(again.status).toBe(400);
    expect(again.json<{ error: { message: string } }>().error.message).toContain('register this device again');
  });

  it('should upgrade a password session to a trusted one when the user steps up with device sign-in', async () => {
    const { device, client } = await registered();
    await setOrgDeviceTrust(kit.portal.db, kit.clock.now, true);
    const before = client.cookie('kb_session');
    const res = await deviceSignIn(client, device, '');
    expect(res.status).toBe(200);
    expect(client.cookie('kb_session')).not.toBe(before);
    expect(await sessionInfo(client)).toMatchObject({ method: 'device', trusted: true });
  });

  it('should explain why and offer step-up when a protected app refuses an untrusted session', async () => {
    await setOrgDeviceTrust(kit.portal.db, kit.clock.now, true);
    const client = kit.client();
    await signInWithPassword(kit, client, user);
    const page = await renderToString(kit, client, { appName: 'Payroll', returnTo: '/oidc/interaction/abc' });
    expect(page.status).toBe(403);
    expect(page.body).toContain('Trusted device required');
    expect(page.body).toContain('Payroll is protected by Device Trust');
    expect(page.body).toContain('You signed in with your password, not with device sign-in');
    expect(page.body).toContain('href="/signin/step-up?return_to=%2Foidc%2Finteraction%2Fabc"');
    expect(page.body).toMatch(/id="sign-out"/);
  });
});

/** Renders the OIDC part's refusal (its hooks) with a minimal request/response pair carrying the client's cookie. */
async function renderToString(kit: TestPortal, client: CookieJarFetch, options: { appName: string; returnTo: string }) {
  const out = { status: 200, body: '', headers: {} as Record<string, string> };
  const req = { headers: { cookie: `kb_session=${client.cookie('kb_session')}` } } as unknown as Request;
  const res = {
    status(code: number) {
      out.status = code;
      return this;
    },
    type() {
      return this;
    },
    set(name: string, value: string) {
      out.headers[name] = value;
      return this;
    },
    send(body: string) {
      out.body = body;
      return this;
    },
    redirect(code: number, location: string) {
      out.status = code;
      out.headers.location = location;
    },
  } as unknown as Response;
  const hooks = defaultOidcHooks(kit.portal.ctx);
  const signedIn = await hooks.getSignedIn(req);
  if (!signedIn) throw new Error('the client is not signed in');
  await hooks.renderUntrustedPage(req, res, { signedIn, reason: signedIn.trust.message, ...options });
  return out;
}
