import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addApp } from '../../portal/src/apps/addApp.js';
import { assignApp } from '../../portal/src/apps/assignApp.js';
import { BrowserLikeClient } from './helpers/BrowserLikeClient.js';
import { codeAfterPasswordSignIn } from './helpers/codeAfterPasswordSignIn.js';
import { authorizationRequest, decodeJwt, type ManualClient, redeemCode } from './helpers/manualRelyingParty.js';
import { type SeededUser, seedUser } from './helpers/portalSignIn.js';
import { startOidcTestPortal, type TestPortal } from './helpers/startOidcTestPortal.js';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';

describe('public SSO apps (no client secret)', () => {
  let portal: TestPortal;
  let alice: SeededUser;
  let client: ManualClient;

  beforeEach(async () => {
    portal = await startOidcTestPortal();
    alice = await seedUser(portal.db, 'alice@example.com');
    const { app } = await addApp(portal.db, {
      orgId: alice.user.orgId,
      name: 'SPA',
      redirectUris: [REDIRECT_URI],
      public: true,
    });
    await assignApp(portal.db, { orgId: alice.user.orgId, appName: 'SPA', email: alice.email });
    client = { clientId: app.clientId, redirectUri: REDIRECT_URI };
  });
  afterEach(async () => {
    await portal.close();
  });

  it('should issue an ES256 ID token with amr and device_trusted when the verifier matches', async () => {
    const { request, end, code } = await codeAfterPasswordSignIn(portal.origin, alice, client);
    expect(new URL(end.url).searchParams.get('iss')).toBe(portal.origin);

    const tokens = await redeemCode(portal.origin, client, code, request.verifier);
    expect(tokens.status).toBe(200);
    const { header, payload } = decodeJwt(tokens.body.id_token as string);
    expect(header.alg).toBe('ES256');
    expect(payload).toMatchObject({
      iss: portal.origin,
      aud: client.clientId,
      sub: alice.user.id,
      amr: ['pwd', 'otp'],
      acr: 'urn:keybound:acr:mfa',
      device_trusted: false,
      email: 'alice@example.com',
    });
    expect(typeof payload.auth_time).toBe('number');
  });

  it('should refuse a redirect URI that is not registered, without redirecting to it', async () => {
    const browser = new BrowserLikeClient();
    const request = authorizationRequest(portal.origin, { ...client, redirectUri: 'http://127.0.0.1:9/evil' });
    const end = await browser.follow(request.url, { stopAt: (t) => t.startsWith('http://127.0.0.1:9/') });
    expect(end.status).toBe(400);
    expect(end.url.startsWith(portal.origin)).toBe(true);
    expect(end.body).toContain('redirect_uri did not match any of the client');
  });
});
