/**
 * Attacks on the portal's HTTP surface: forged or missing CSRF tokens, session fixation, password
 * guessing (throttled, and the real user still gets in later), SQL-ish and oversized inputs,
 * foreign Host headers, enrollment token reuse — each refused clearly, nothing corrupted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csrfOf } from '../../dev/CookieJarFetch.js';
import { newEnrollmentToken } from '../../portal/src/admin/adminActions.js';
import { MAX_BLOCK_MS } from '../../portal/src/store/loginThrottle.js';
import { listUsers } from '../../portal/src/store/users.js';
import {
  addTestUser,
  deviceSignIn,
  enrollSoftwareDevice,
  enterEmail,
  registerEnrolledDevice,
  sessionInfo,
  signInWithPassword,
  startTestPortal,
  type TestPortal,
  type TestUser,
} from './helpers/portalTestKit.js';

type ErrorBody = { error: { code: string; message: string } };

describe('HTTP attacks', () => {
  let kit: TestPortal;
  let user: TestUser;
  beforeEach(async () => {
    kit = await startTestPortal();
    user = await addTestUser(kit, 'ada@example.com');
  });
  afterEach(async () => {
    await kit.close();
  });

  async function passwordAttempt(client = kit.client(), password = 'wrong guess') {
    await enterEmail(client, user.email);
    const page = await client.request('/signin/password');
    return client.request('/signin/password', { form: { _csrf: csrfOf(page.body), password } });
  }

  it('should refuse a form when its CSRF token is missing or forged', async () => {
    const client = kit.client();
    await enterEmail(client, user.email);
    const missing = await client.request('/signin/password', { form: { password: user.password } });
    expect(missing.status).toBe(403);
    expect(missing.body).toContain('did not come from this portal');
    const forged = await client.request('/signin/password', {
      form: { _csrf: 'A'.repeat(43), password: user.password },
    });
    expect(forged.status).toBe(403);
    // A valid token of another session is forged too.
    const other = kit.client();
    const otherToken = csrfOf((await other.request('/signin')).body);
    const crossed = await client.request('/signin/password', { form: { _csrf: otherToken, password: user.password } });
    expect(crossed.status).toBe(403);
    expect((await sessionInfo(client)).signedIn).toBe(false);
  });

  it('should refuse a JSON request when its CSRF header is missing or forged', async () => {
    const client = kit.client();
    await signInWithPassword(kit, client, user);
    const missing = await client.request('/api/webauthn/registration/options', { json: {} });
    expect(missing.status).toBe(403);
    expect(missing.json<ErrorBody>().error.code).toBe('ERR_CSRF');
    const forged = await client.request('/api/webauthn/registration/options', {
      json: {},
      headers: { 'x-csrf-token': 'nope' },
    });
    expect(forged.json<ErrorBody>().error.code).toBe('ERR_CSRF');
  });

  it('should give a new session id at sign-in when an attacker planted one before', async () => {
    const attacker = kit.client();
    await attacker.request('/signin');
    const planted = attacker.cookie('kb_session') as string;
    const victim = kit.client();
    victim.cookies.set('kb_session', planted);
    await signInWithPassword(kit, victim, user);
    expect((await sessionInfo(victim)).signedIn).toBe(true);
    expect(victim.cookie('kb_session')).not.toBe(planted);
    expect((await sessionInfo(attacker)).signedIn).toBe(false);
  });

  it('should throttle password guessing and still let the real user in after the backoff', async () => {
    // The real user has a registered device (made now: device statements are only good for minutes).
    const { device } = await registerEnrolledDevice(kit, user);

    const client = kit.client();
    let last = await passwordAttempt(client);
    for (let i = 0; i < 6 && last.status !== 429; i++) last = await passwordAttempt(client);
    expect(last.status).toBe(429);
    expect(last.body).toContain('Too many failed attempts');
    // During the block even the right password is refused (guesses teach nothing)…
    const blocked = await passwordAttempt(kit.client(), user.password);
    expect(blocked.status).toBe(429);
    // …device sign-in is not throttled by password failures…
    for (let i = 0; i < 8; i++) await passwordAttempt(kit.client());
    expect((await deviceSignIn(kit.client(), device, user.email)).status).toBe(200);
    // …and once the block has passed, the right password works again: no permanent lockout.
    kit.clock.advance(MAX_BLOCK_MS);
    const later = kit.client();
    const ok = await passwordAttempt(later, user.password);
    expect(ok.url).toBe(`${kit.origin}/signin/finish`);
    expect((await sessionInfo(later)).signedIn).toBe(true);
  });

  it('should treat SQL-ish input as plain data when it arrives in forms', async () => {
    const client = kit.client();
    const page = await client.request('/signin');
    const weird = await client.request('/signin', { form: { _csrf: csrfOf(page.body), email: "x'--@example.com" } });
    expect(weird.url).toBe(`${kit.origin}/signin/continue`);
    const pw = await client.request('/signin/password');
    const res = await client.request('/signin/password', {
      form: { _csrf: csrfOf(pw.body), password: "' OR '1'='1'; DROP TABLE users; --" },
    });
    expect(res.status).toBe(401);
    const bad = await passwordAttempt(kit.client(), "' OR 1=1 --");
    expect(bad.status).toBe(401);
    expect((await listUsers(kit.portal.db)).map((u) => u.email)).toEqual(['ada@example.com']);
    const html = await kit.client().request('/signin');
    const xss = await kit.client().request('/signin', { form: { _csrf: csrfOf(html.body), email: '<script>@x' } });
    expect(xss.status).toBe(403); // other session's token: refused before anything echoes
  });

  it('should escape what the user typed when a page shows it again', async () => {
    const client = kit.client();
    const page = await client.request('/signin');
    const res = await client.request('/signin', { form: { _csrf: csrfOf(page.body), email: "a'&b@x" } });
    expect(res.url).toBe(`${kit.origin}/signin/continue`);
    expect(res.body).toContain('a&#39;&amp;b@x');
    expect(res.body).not.toContain("a'&b@x");
  });

  it('should refuse oversized and malformed bodies with a clear error', async () => {
    const client = kit.client();
    await signInWithPassword(kit, client, user);
    const csrf = csrfOf((await client.request('/signin/finish')).body);
    const headers = { 'x-csrf-token': csrf };
    const huge = await client.request('/api/webauthn/registration/verify', {
      raw: JSON.stringify({ pad: 'x'.repeat(70_000) }),
      headers,
    });
    expect(huge.status).toBe(413);
    expect(huge.json<ErrorBody>().error.code).toBe('ERR_PAYLOAD_TOO_LARGE');
    const broken = await client.request('/api/webauthn/registration/verify', { raw: '{"credential": ', headers });
    expect(broken.status).toBe(400);
    expect(broken.json<ErrorBody>().error).toEqual({
      code: 'ERR_BAD_REQUEST',
      message: 'The request body is not valid JSON.',
    });
    const notJson = await client.request('/api/webauthn/registration/verify', {
      raw: 'a=b',
      contentType: 'text/plain',
      headers,
    });
    expect(notJson.status).toBe(400);
    const wrongShape = await client.request('/api/webauthn/registration/verify', {
      json: { credential: { id: 42 } },
      headers,
    });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.json<ErrorBody>().error.message).toContain('credential');
    const bigForm = await client.request('/signout', { form: { _csrf: csrf, pad: 'x'.repeat(20_000) } });
    expect(bigForm.status).toBe(413);
    expect((await sessionInfo(client)).signedIn).toBe(true);
  });

  it('should redirect GETs and refuse POSTs when the Host is not the canonical one', async () => {
    const other = `http://127.0.0.1:${kit.portal.port}`;
    const get = await fetch(`${other}/signin?x=1`, { redirect: 'manual' });
    expect(get.status).toBe(308);
    expect(get.headers.get('location')).toBe(`${kit.origin}/signin?x=1`);
    const post = await fetch(`${other}/signin`, {
      method: 'POST',
      body: 'email=a@b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(post.status).toBe(421);
  });

  it('should refuse an enrollment token when it is reused, unknown or expired', async () => {
    const { token } = await newEnrollmentToken(kit.portal.db, kit.clock.now);
    const device = await enrollSoftwareDevice(kit);
    const body = (t: string) =>
      JSON.stringify({
        token: t,
        publicKey: device.identityPublicJwk,
        enrollmentType: 'apple-user',
        platform: 'ios',
        name: 'phone',
      });
    const post = (t: string) =>
      fetch(`${kit.origin}/api/devices/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body(t),
      });
    expect((await post(token)).status).toBe(201);
    const reused = await post(token);
    expect(reused.status).toBe(401);
    expect(((await reused.json()) as ErrorBody).error.code).toBe('ERR_ENROLLMENT_TOKEN_INVALID');
    expect((await post('kbe_made_up')).status).toBe(401);
    const { token: old } = await newEnrollmentToken(kit.portal.db, kit.clock.now - 2 * 24 * 3600_000);
    expect((await post(old)).status).toBe(401);
    const badKey = await fetch(`${kit.origin}/api/devices/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token,
        publicKey: { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) },
        enrollmentType: 'apple-user',
        platform: 'ios',
        name: 'x',
      }),
    });
    expect(badKey.status).toBe(400);
  });
});
