/**
 * Drives the portal's own sign-in pages over HTTP as a user without the extension would:
 * Email → Continue → Password → Log in → Verification code → Verify, then on to `returnTo`.
 * Also seeds users with the core's store functions.
 */
import { expect } from 'vitest';
import type { PortalDb } from '../../../portal/src/db/openDatabase.js';
import { hashPassword } from '../../../portal/src/security/passwordHash.js';
import { newTotpSecret, totpCode } from '../../../portal/src/security/totp.js';
import { defaultOrganisation, setDeviceTrust } from '../../../portal/src/store/organisations.js';
import { insertUser, setTotpSecret, type User } from '../../../portal/src/store/users.js';
import type { BrowserLikeClient, FollowResult } from './BrowserLikeClient.js';

export interface SeededUser {
  user: User;
  email: string;
  password: string;
  totpSecret: string;
}

export async function seedUser(
  db: PortalDb,
  email: string,
  options: { deviceTrust?: boolean } = {},
): Promise<SeededUser> {
  const now = Date.now();
  const org = await defaultOrganisation(db, now);
  if (options.deviceTrust !== undefined) await setDeviceTrust(db, org.id, options.deviceTrust);
  const password = `pw-${email}-correct horse`;
  const user = await insertUser(db, { orgId: org.id, email, passwordHash: await hashPassword(password), now });
  const totpSecret = newTotpSecret();
  await setTotpSecret(db, user.id, totpSecret, now);
  return { user, email, password, totpSecret };
}

/** The CSRF token of a portal page (hidden `_csrf` field). */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('No CSRF token on the page');
  return match[1];
}

/**
 * Signs in by password + TOTP, starting at `startUrl` (usually an SSO launch that lands on the
 * portal's sign-in page, or `/signin`). Returns where the browser ends up after the finish page.
 */
export async function signInWithPasswordAndTotp(
  client: BrowserLikeClient,
  origin: string,
  who: SeededUser,
  signInPage: FollowResult,
): Promise<FollowResult> {
  expect(signInPage.url).toContain(`${origin}/signin`);
  const email = await client.follow(`${origin}/signin`, { form: { _csrf: csrfOf(signInPage.body), email: who.email } });
  expect(email.url).toBe(`${origin}/signin/continue`);
  // Without the extension the user takes the password link.
  const passwordPage = await client.follow(`${origin}/signin/password`);
  const mfaPage = await client.follow(`${origin}/signin/password`, {
    form: { _csrf: csrfOf(passwordPage.body), password: who.password },
  });
  expect(mfaPage.url).toBe(`${origin}/signin/mfa`);
  const finish = await client.follow(`${origin}/signin/mfa`, {
    form: { _csrf: csrfOf(mfaPage.body), code: totpCode(who.totpSecret, Date.now()) },
  });
  expect(finish.url).toBe(`${origin}/signin/finish`);
  // The finish page's script continues to `next` (after offering registration); no script here.
  const next = /id="skip" href="([^"]+)"/.exec(finish.body)?.[1];
  if (!next) throw new Error('No continue link on the finish page');
  return client.follow(new URL(next.replaceAll('&amp;', '&'), origin).href);
}

/** Signs in by password + TOTP from the portal's own `/signin` page; returns where the browser ends up. */
export async function signInAtPortal(
  client: BrowserLikeClient,
  origin: string,
  who: SeededUser,
): Promise<FollowResult> {
  return signInWithPasswordAndTotp(client, origin, who, await client.follow(`${origin}/signin`));
}
