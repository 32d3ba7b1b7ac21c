/**
 * Device sign-in over HTTP with the software authenticator in place of the daemon and the
 * extension: enroll the device in the organisation's inventory, register a credential from a
 * password-signed-in session, then sign in with the device from the email page.
 */
import { expect } from 'vitest';
import { SoftwareAuthenticator } from '../../../dev/softwareAuthenticator.js';
import { newEnrollmentToken } from '../../../portal/src/admin/adminActions.js';
import type { CreationOptionsJSON, RequestOptionsJSON } from '../../../shared/protocol/webauthnJson.js';
import type { BrowserLikeClient, FollowResult } from './BrowserLikeClient.js';
import { csrfOf } from './portalSignIn.js';
import type { TestPortal } from './startOidcTestPortal.js';

/** The CSRF token pages publish for their JSON calls. */
function metaCsrf(html: string): string {
  const match = /<meta name="csrf-token" content="([^"]+)">/.exec(html);
  if (!match?.[1]) throw new Error('No csrf-token meta on the page');
  return match[1];
}

/** Enrolls a new software device with the portal's inventory. */
export async function enrollDevice(portal: TestPortal): Promise<SoftwareAuthenticator> {
  const auth = new SoftwareAuthenticator({ enrollmentType: 'desktop-agent' });
  const publicKey = await auth.enrollIdentity();
  const { token } = await newEnrollmentToken(portal.db, Date.now());
  const res = await fetch(new URL('/api/devices/enroll', portal.origin), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, publicKey, enrollmentType: 'desktop-agent', platform: 'linux', name: 'Test laptop' }),
  });
  expect(res.status).toBe(201);
  auth.deviceId = ((await res.json()) as { deviceId: string }).deviceId;
  return auth;
}

/** Registers a device sign-in credential for the user signed in on `client` (password session). */
export async function registerDevice(client: BrowserLikeClient, portal: TestPortal, auth: SoftwareAuthenticator) {
  const home = await client.follow(`${portal.origin}/`);
  const headers = { 'x-csrf-token': metaCsrf(home.body) };
  const optionsRes = await client.request(`${portal.origin}/api/webauthn/registration/options`, { json: {}, headers });
  expect(optionsRes.status).toBe(200);
  const { options } = (await optionsRes.json()) as { options: CreationOptionsJSON };
  const result = await auth.register(portal.origin, options);
  const verify = await client.request(`${portal.origin}/api/webauthn/registration/verify`, { json: result, headers });
  expect(verify.status).toBe(200);
}

/** From the portal's sign-in page (with its return path), signs in with the device; follows `next`. */
export async function signInWithDevice(
  client: BrowserLikeClient,
  portal: TestPortal,
  email: string,
  auth: SoftwareAuthenticator,
  signInPage: FollowResult,
): Promise<FollowResult> {
  const cont = await client.follow(`${portal.origin}/signin`, { form: { _csrf: csrfOf(signInPage.body), email } });
  expect(cont.url).toBe(`${portal.origin}/signin/continue`);
  const headers = { 'x-csrf-token': metaCsrf(cont.body) };
  const optionsRes = await client.request(`${portal.origin}/api/webauthn/authentication/options`, {
    json: {},
    headers,
  });
  expect(optionsRes.status).toBe(200);
  const { options } = (await optionsRes.json()) as { options: RequestOptionsJSON };
  const result = await auth.signIn(portal.origin, options);
  const verify = await client.request(`${portal.origin}/api/webauthn/authentication/verify`, { json: result, headers });
  expect(verify.status).toBe(200);
  const { next } = (await verify.json()) as { next: string };
  return client.follow(new URL(next, portal.origin).href);
}
