import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addApp } from '../../portal/src/apps/addApp.js';
import { assignApp } from '../../portal/src/apps/assignApp.js';
import { BrowserLikeClient } from './helpers/BrowserLikeClient.js';
import { codeAfterPasswordSignIn } from './helpers/codeAfterPasswordSignIn.js';
import { authorizationRequest, type ManualClient, redeemCode } from './helpers/manualRelyingParty.js';
import { type SeededUser, seedUser, signInWithPasswordAndTotp } from './helpers/portalSignIn.js';
import { startOidcTestPortal, type TestPortal } from './helpers/startOidcTestPortal.js';

// Nothing listens here: the tests stop at the redirect to the app and read the code from it.
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const toApp = (target: string) => target.startsWith(REDIRECT_URI);

describe('OIDC refusals', () => {
  let portal: TestPortal;
  let alice: SeededUser;
  let client: ManualClient;

  beforeEach(async () => {
    portal = await startOidcTestPortal();
    alice = await seedUser(portal.db, 'alice@example.com');
    const { app, clientSecret } = await addApp(portal.db, {
      orgId: alice.user.orgId,
      name: 'Wiki',
      redirectUris: [REDIRECT_URI],
    });
    client = { clientId: app.clientId, clientSecret: clientSecret as string, redirectUri: REDIRECT_URI };
  });
  afterEach(async () => {
    await portal.close();
  });

  it('should refuse a code with a clear page when the app is not assigned to the user', async () => {
    const browser = new BrowserLikeClient();
    const request = authorizationRequest(portal.origin, client);
    const signInPage = await browser.follow(request.url, { stopAt: toApp });
    const end = await signInWithPasswordAndTotp(browser, portal.origin, alice, signInPage);

    expect(end.status).toBe(403);
    expect(end.body).toContain('Wiki is not assigned to alice@example.com');
    expect(end.hops.some((h) => h.location?.startsWith(REDIRECT_URI))).toBe(false);

    // "Return to Wiki" tells the app the user was refused, without a code.
    const abortPath = /id="return-to-app" href="([^"]+)"/.exec(end.body)?.[1] as string;
    const aborted = await browser.follow(new URL(abortPath, portal.origin).href, { stopAt: toApp });
    const back = new URL(aborted.url);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('code')).toBeNull();
    expect(back.searchParams.get('state')).toBe(request.state);
  });

  it('should refuse the authorization request when it carries no PKCE code_challenge', async () => {
    await assignApp(portal.db, { orgId: alice.user.orgId, appName: 'Wiki', email: alice.email });
    const browser = new BrowserLikeClient();
    const request = authorizationRequest(portal.origin, client, { pkce: false });
    const end = await browser.follow(request.url, { stopAt: toApp });

    const back = new URL(end.url);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('should refuse a replayed code and revoke what the first redemption issued', async () => {
    await assignApp(portal.db, { orgId: alice.user.orgId, appName: 'Wiki', email: alice.email });
    const { request, code } = await codeAfterPasswordSignIn(portal.origin, alice, client);
    expect(code).toBeTruthy();

    const first = await redeemCode(portal.origin, client, code, request.verifier);
    expect(first.status).toBe(200);
    expect(typeof first.body.id_token).toBe('string');
    const replay = await redeemCode(portal.origin, client, code, request.verifier);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');

    // RFC 6749 §4.1.2: the access token from the first redemption no longer works.
    const me = await fetch(new URL('/oidc/me', portal.origin), {
      headers: { authorization: `Bearer ${first.body.access_token as string}` },
    });
    expect(me.status).toBe(401);
  });

  it('should refuse the code exchange when the verifier does not match the challenge', async () => {
    await assignApp(portal.db, { orgId: alice.user.orgId, appName: 'Wiki', email: alice.email });
    const { code } = await codeAfterPasswordSignIn(portal.origin, alice, client);

    const other = authorizationRequest(portal.origin, client);
    const res = await redeemCode(portal.origin, client, code, other.verifier);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('should refuse the code exchange when the client secret is wrong', async () => {
    await assignApp(portal.db, { orgId: alice.user.orgId, appName: 'Wiki', email: alice.email });
    const { request, code } = await codeAfterPasswordSignIn(portal.origin, alice, client);

    const res = await redeemCode(portal.origin, { ...client, clientSecret: 'not-the-secret' }, code, request.verifier);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });
});
