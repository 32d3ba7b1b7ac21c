/** Password + MFA sign-in, sign-out, assigned apps, and the pages' words, over real HTTP. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csrfOf } from '../../dev/CookieJarFetch.js';
import { setOrgMfa } from '../../portal/src/admin/adminActions.js';
import { addApp, assignApp } from '../../portal/src/apps/index.js';
import { totpCode } from '../../portal/src/security/totp.js';
import { listAudit } from '../../portal/src/store/audit.js';
import { defaultOrganisation } from '../../portal/src/store/organisations.js';
import {
  addTestUser,
  enterEmail,
  sessionInfo,
  signInWithPassword,
  startTestPortal,
  type TestPortal,
} from './helpers/portalTestKit.js';

describe('password sign-in', () => {
  let kit: TestPortal;
  beforeEach(async () => {
    kit = await startTestPortal();
  });
  afterEach(async () => {
    await kit.close();
  });

  it('should show the Email field and Continue button when a user opens the portal', async () => {
    const page = await kit.client().request('/');
    expect(page.url).toBe(`${kit.origin}/signin`);
    expect(page.body).toContain('<label for="email">Email</label>');
    expect(page.body).toMatch(/<button[^>]*id="continue"[^>]*>Continue<\/button>/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('should sign in with password and verification code when the organisation requires MFA', async () => {
    await setOrgMfa(kit.portal.db, kit.clock.now, true);
    const user = await addTestUser(kit, 'ada@example.com', { mfa: true });
    const client = kit.client();
    const cont = await enterEmail(client, user.email);
    expect(cont.url).toBe(`${kit.origin}/signin/continue`);
    expect(cont.body).toContain('Passwordless Login');
    const pw = await client.request('/signin/password');
    expect(pw.body).toContain('<label for="password">Password</label>');
    expect(pw.body).toMatch(/>Log in<\/button>/);
    const mfa = await client.request('/signin/password', { form: { _csrf: csrfOf(pw.body), password: user.password } });
    expect(mfa.url).toBe(`${kit.origin}/signin/mfa`);
    expect(mfa.body).toContain('<label for="code">Verification code</label>');
    expect(mfa.body).toMatch(/>Verify<\/button>/);
    expect(await sessionInfo(client)).toEqual({ signedIn: false });
    const finish = await client.request('/signin/mfa', {
      form: { _csrf: csrfOf(mfa.body), code: totpCode(user.totpSecret as string, kit.clock.now) },
    });
    expect(finish.url).toBe(`${kit.origin}/signin/finish`);
    expect(await sessionInfo(client)).toMatchObject({
      signedIn: true,
      email: 'ada@example.com',
      method: 'password+mfa',
      trusted: false,
    });
    const events = (await listAudit(kit.portal.db)).filter((e) => e.event === 'signin.success');
    expect(events.at(-1)?.details).toMatchObject({ method: 'password+mfa', trusted: false, phishingResistant: false });
  });

  it('should refuse a wrong code and a code already used when verifying MFA', async () => {
    const user = await addTestUser(kit, 'bo@example.com', { mfa: true });
    const first = kit.client();
    await signInWithPassword(kit, first, user);
    expect((await sessionInfo(first)).signedIn).toBe(true);

    // Same code again, same time step, another browser: a replay.
    const second = kit.client();
    await enterEmail(second, user.email);
    const pw = await second.request('/signin/password');
    const mfa = await second.request('/signin/password', { form: { _csrf: csrfOf(pw.body), password: user.password } });
    const replay = await second.request('/signin/mfa', {
      form: { _csrf: csrfOf(mfa.body), code: totpCode(user.totpSecret as string, kit.clock.now) },
    });
    expect(replay.status).toBe(401);
    expect(replay.body).toContain('already used');
    const wrong = await second.request('/signin/mfa', {
      form: {
        _csrf: csrfOf(mfa.body),
        code: '000000' === totpCode(user.totpSecret as string, kit.clock.now) ? '111111' : '000000',
      },
    });
    expect(wrong.status).toBe(401);
    expect((await sessionInfo(second)).signedIn).toBe(false);
    // The next time step's code works.
    kit.clock.advance(30_000);
    const ok = await second.request('/signin/mfa', {
      form: { _csrf: csrfOf(mfa.body), code: totpCode(user.totpSecret as string, kit.clock.now) },
    });
    expect(ok.url).toBe(`${kit.origin}/signin/finish`);
  });

  it('should sign in with the password alone when MFA is optional and the user has no TOTP', async () => {
    const user = await addTestUser(kit, 'cy@example.com');
    const client = kit.client();
    const finish = await signInWithPassword(kit, client, user);
    expect(finish.url).toBe(`${kit.origin}/signin/finish`);
    expect(await sessionInfo(client)).toMatchObject({ signedIn: true, method: 'password' });
  });

  it('should refuse a wrong password with a plain message when the password is wrong', async () => {
    const user = await addTestUser(kit, 'di@example.com');
    const client = kit.client();
    const res = await signInWithPassword(kit, client, { ...user, password: 'not it' });
    expect(res.status).toBe(401);
    expect(res.body).toContain('The email or password is not right');
    expect((await sessionInfo(client)).signedIn).toBe(false);
  });

  it('should list only the apps assigned to the user when the home page opens', async () => {
    const user = await addTestUser(kit, 'ed@example.com');
    await addTestUser(kit, 'fay@example.com');
    const org = await defaultOrganisation(kit.portal.db, kit.clock.now);
    await addApp(kit.portal.db, {
      orgId: org.id,
      name: 'Wiki',
      redirectUris: ['http://localhost:9/cb'],
      launchUrl: 'http://localhost:9/',
    });
    await addApp(kit.portal.db, {
      orgId: org.id,
      name: 'Payroll',
      redirectUris: ['http://localhost:9/cb2'],
      launchUrl: 'http://localhost:9/p',
      protected: true,
    });
    await assignApp(kit.portal.db, { orgId: org.id, appName: 'Wiki', email: 'ed@example.com' });
    await assignApp(kit.portal.db, { orgId: org.id, appName: 'Payroll', email: 'fay@example.com' });
    const client = kit.client();
    await signInWithPassword(kit, client, user);
    const home = await client.request('/');
    expect(home.body).toContain('data-app="Wiki"');
    expect(home.body).not.toContain('Payroll');
    expect(home.body).toMatch(/id="sign-out"[^>]*>Sign out<\/button>/);
  });

  it('should show an empty list with advice when no app is assigned', async () => {
    const user = await addTestUser(kit, 'gus@example.com');
    const client = kit.client();
    await signInWithPassword(kit, client, user);
    const home = await client.request('/');
    expect(home.body).toContain('id="no-apps"');
    expect(home.body).toContain('contact your admin');
  });

  it('should end the session when the user signs out', async () => {
    const user = await addTestUser(kit, 'hal@example.com');
    const client = kit.client();
    await signInWithPassword(kit, client, user);
    const oldCookie = client.cookie('kb_session') as string;
    const home = await client.request('/');
    const out = await client.request('/signout', { form: { _csrf: csrfOf(home.body) } });
    expect(out.url).toBe(`${kit.origin}/signin`);
    expect((await sessionInfo(client)).signedIn).toBe(false);
    // The old cookie is dead server-side too, not just forgotten by this browser.
    const replayed = kit.client();
    replayed.cookies.set('kb_session', oldCookie);
    expect((await sessionInfo(replayed)).signedIn).toBe(false);
    expect((await listAudit(kit.portal.db)).some((e) => e.event === 'signout')).toBe(true);
  });
});
