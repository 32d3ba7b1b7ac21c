import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DemoApp, startDemoApp } from '../../portal/src/demoApp/startDemoApp.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { addDemoClient } from './helpers/addDemoClient.js';
import { BrowserLikeClient } from './helpers/BrowserLikeClient.js';
import { codeAfterPasswordSignIn } from './helpers/codeAfterPasswordSignIn.js';
import { loopbackFetch } from './helpers/loopbackFetch.js';
import { redeemCode } from './helpers/manualRelyingParty.js';
import { type SeededUser, seedUser, signInWithPasswordAndTotp } from './helpers/portalSignIn.js';
import { startOidcTestPortal, type TestPortal } from './helpers/startOidcTestPortal.js';

const jwks = async (origin: string) => (await (await loopbackFetch(`${origin}/oidc/jwks`)).json()) as JSONWebKeySet;

describe('OIDC across a portal restart', () => {
  let portal: TestPortal;
  let demo: DemoApp;
  let alice: SeededUser;
  let clientSecret: string;
  let clientId: string;

  beforeEach(async () => {
    portal = await startOidcTestPortal();
    demo = await startDemoApp({ port: 0, issuer: portal.origin, logger: silentLogger() });
    alice = await seedUser(portal.db, 'alice@example.com');
    ({ clientId, clientSecret } = await addDemoClient(portal.db, demo, alice, { name: 'Demo' }));
  });
  afterEach(async () => {
    await demo.close();
    await portal.close();
  });

  it('should keep the signing key, so an ID token issued before the restart verifies after it', async () => {
    const client = { clientId, clientSecret, redirectUri: demo.redirectUri };
    const { request, code } = await codeAfterPasswordSignIn(portal.origin, alice, client);
    const tokens = await redeemCode(portal.origin, client, code, request.verifier);
    const before = await jwks(portal.origin);

    await portal.restart();

    const after = await jwks(portal.origin);
    expect(after.keys.map((k) => k.kid)).toEqual(before.keys.map((k) => k.kid));
    expect(after.keys.every((k) => k.d === undefined)).toBe(true);
    const { payload, protectedHeader } = await jwtVerify(tokens.body.id_token as string, createLocalJWKSet(after), {
      issuer: portal.origin,
      audience: clientId,
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.sub).toBe(alice.user.id);
  });

  it('should keep the client and the signed-in session, so the app signs in again after the restart without a password', async () => {
    const browser = new BrowserLikeClient();
    const first = await signInWithPasswordAndTotp(
      browser,
      portal.origin,
      alice,
      await browser.follow(`${demo.origin}/login`),
    );
    expect(first.url).toBe(`${demo.origin}/`);

    await portal.restart();
    await browser.follow(`${demo.origin}/logout`);
    const again = await browser.follow(`${demo.origin}/login`);

    expect(again.url).toBe(`${demo.origin}/`);
    expect(again.body).toContain('<dd id="user-email">alice@example.com</dd>');
    expect(again.hops.some((h) => h.url.includes('/signin'))).toBe(false);
  });

  it('should finish a sign-in started before the restart, since interactions and cookie keys persist', async () => {
    const browser = new BrowserLikeClient();
    const signInPage = await browser.follow(`${demo.origin}/login`);
    expect(signInPage.url).toContain(`${portal.origin}/signin`);

    await portal.restart();
    const end = await signInWithPasswordAndTotp(browser, portal.origin, alice, await browser.follow(signInPage.url));

    expect(end.url).toBe(`${demo.origin}/`);
    expect(end.body).toContain('<dd id="amr">pwd, otp</dd>');
  });
});
