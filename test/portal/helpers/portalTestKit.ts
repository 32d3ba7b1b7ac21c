/**
 * The dev kit's portal (dev/startDevPortal.ts) for HTTP-level tests — on SQLite, or on a fresh
 * PostgreSQL database in the `postgres` test project (test/helpers/testStore.ts) — a movable
 * clock, and the user journeys the tests repeat: add a user, enroll a software device, sign in by
 * password (+ TOTP), register the device, sign in with the device. The SoftwareAuthenticator
 * stands in for the extension + daemon; the origin it signs for is what the browser would report.
 */
import { expect } from 'vitest';
import { CookieJarFetch, csrfOf, type JarResponse } from '../../../dev/CookieJarFetch.js';
import { SoftwareAuthenticator } from '../../../dev/softwareAuthenticator.js';
import { startDevPortal } from '../../../dev/startDevPortal.js';
import { addUser, newEnrollmentToken } from '../../../portal/src/admin/adminActions.js';
import { totpCode } from '../../../portal/src/security/totp.js';
import type { RunningPortal, StartPortalOptions } from '../../../portal/src/startPortal.js';
import { newTestDatabase } from '../../helpers/testStore.js';

export interface TestClock {
  now: number;
  advance(ms: number): void;
}

export interface TestPortal {
  portal: RunningPortal;
  clock: TestClock;
  /** The store's location: a SQLite file or a `postgres://` URL. */
  database: string;
  origin: string;
  client(): CookieJarFetch;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestPortal(
  options: Pick<StartPortalOptions, 'hashing' | 'trustProxy'> & { tpmRoots?: string } = {},
): Promise<TestPortal> {
  const clock: TestClock = {
    now: Date.now(),
    advance(ms) {
      this.now += ms;
    },
  };
  const dev = await startDevPortal({ clock: () => clock.now, store: (dir) => newTestDatabase(dir), ...options });
  return {
    get portal() {
      return dev.portal;
    },
    clock,
    database: dev.database,
    get origin() {
      return dev.portal.origin;
    },
    client: () => new CookieJarFetch(dev.portal.origin),
    restart: () => dev.restart(),
    close: () => dev.close(),
  };
}

export interface TestUser {
  email: string;
  password: string;
  totpSecret?: string;
}

/** Adds a user through the admin action (as `keybound admin user add` does). */
export async function addTestUser(kit: TestPortal, email: string, options: { mfa?: boolean } = {}): Promise<TestUser> {
  const password = `pw of ${email}`;
  const result = await addUser(kit.portal.db, kit.clock.now, { email, password, mfa: Boolean(options.mfa) });
  const secret = result.otpauthUri ? new URL(result.otpauthUri).searchParams.get('secret') : null;
  return { email, password, ...(secret ? { totpSecret: secret } : {}) };
}

/** Enrolls a new software device in the portal's inventory over the real enroll endpoint. */
export async function enrollSoftwareDevice(kit: TestPortal): Promise<SoftwareAuthenticator> {
  const device = new SoftwareAuthenticator();
  const publicKey = await device.enrollIdentity();
  const { token } = await newEnrollmentToken(kit.portal.db, kit.clock.now);
  const res = await fetch(`${kit.origin}/api/devices/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, publicKey, enrollmentType: 'desktop-agent', platform: 'linux', name: 'test device' }),
  });
  expect(res.status).toBe(201);
  device.deviceId = ((await res.json()) as { deviceId: string }).deviceId;
  return device;
}

/** Email → Continue; returns the continue page. */
export async function enterEmail(client: CookieJarFetch, email: string): Promise<JarResponse> {
  const page = await client.request('/signin');
  return client.request('/signin', { form: { _csrf: csrfOf(page.body), email } });
}

/** Email → Password → (Verification code) → the finish page. */
export async function signInWithPassword(
  kit: TestPortal,
  client: CookieJarFetch,
  user: TestUser,
): Promise<JarResponse> {
  await enterEmail(client, user.email);
  const passwordPage = await client.request('/signin/password');
  const afterPassword = await client.request('/signin/password', {
    form: { _csrf: csrfOf(passwordPage.body), password: user.password },
  });
  if (!afterPassword.url.endsWith('/signin/mfa')) return afterPassword;
  if (!user.totpSecret) throw new Error('MFA asked for a user without a TOTP secret');
  return client.request('/signin/mfa', {
    form: { _csrf: csrfOf(afterPassword.body), code: totpCode(user.totpSecret, kit.clock.now) },
  });
}

/** The CSRF token of the current session, read from a page that shows it. */
export async function currentCsrf(client: CookieJarFetch, page = '/signin/finish'): Promise<string> {
  return csrfOf((await client.request(page)).body);
}

/** Registration as the finish page's script does it: options → authenticator → verify. */
export async function registerDevice(client: CookieJarFetch, device: SoftwareAuthenticator, origin = client.origin) {
  const csrf = await currentCsrf(client);
  const optionsRes = await client.request('/api/webauthn/registration/options', {
    json: {},
    headers: { 'x-csrf-token': csrf },
  });
  expect(optionsRes.status).toBe(200);
  const { options } = optionsRes.json<{ options: Parameters<SoftwareAuthenticator['register']>[1] }>();
  const result = await device.register(origin, options);
  return { csrf, options, result };
}

/** Posts a registration result; returns the portal's response. */
export function postRegistration(client: CookieJarFetch, csrf: string, body: unknown): Promise<JarResponse> {
  return client.request('/api/webauthn/registration/verify', { json: body, headers: { 'x-csrf-token': csrf } });
}

/**
 * The journey most device tests start from: enroll a software device, sign in by password
 * (+ TOTP) on a fresh client, register the device there (the portal must answer 200).
 */
export async function registerEnrolledDevice(
  kit: TestPortal,
  user: TestUser,
): Promise<{ device: SoftwareAuthenticator; client: CookieJarFetch }> {
  const device = await enrollSoftwareDevice(kit);
  const client = kit.client();
  await signInWithPassword(kit, client, user);
  const { csrf, result } = await registerDevice(client, device);
  expect((await postRegistration(client, csrf, result)).status).toBe(200);
  return { device, client };
}

/** Device sign-in as the continue page's script does it, after Email → Continue. */
export async function deviceSignInOptions(client: CookieJarFetch, email: string | undefined) {
  const page = email ? await enterEmail(client, email) : await client.request('/signin/step-up');
  const csrf = csrfOf(page.body);
  const res = await client.request('/api/webauthn/authentication/options', {
    json: {},
    headers: { 'x-csrf-token': csrf },
  });
  expect(res.status).toBe(200);
  return { csrf, options: res.json<{ options: Parameters<SoftwareAuthenticator['signIn']>[1] }>().options };
}

export function postAssertion(client: CookieJarFetch, csrf: string, body: unknown): Promise<JarResponse> {
  return client.request('/api/webauthn/authentication/verify', { json: body, headers: { 'x-csrf-token': csrf } });
}

/** Full device sign-in; returns the verify response. */
export async function deviceSignIn(
  client: CookieJarFetch,
  device: SoftwareAuthenticator,
  email: string,
): Promise<JarResponse> {
  const { csrf, options } = await deviceSignInOptions(client, email);
  const { credential } = await device.signIn(client.origin, options);
  return postAssertion(client, csrf, { credential });
}

export async function sessionInfo(client: CookieJarFetch) {
  return (await client.request('/api/session')).json<{
    signedIn: boolean;
    email?: string;
    method?: string;
    trusted?: boolean;
    trustReason?: string;
  }>();
}
