import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DemoApp, startDemoApp } from '../../portal/src/demoApp/startDemoApp.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { addDemoClient } from './helpers/addDemoClient.js';
import { BrowserLikeClient } from './helpers/BrowserLikeClient.js';
import { csrfOf, seedUser, signInWithPasswordAndTotp } from './helpers/portalSignIn.js';
import { startOidcTestPortal, type TestPortal } from './helpers/startOidcTestPortal.js';

describe('OIDC code flow through the demo app', () => {
  let portal: TestPortal;
  let demo: DemoApp;

  beforeEach(async () => {
    portal = await startOidcTestPortal();
    demo = await startDemoApp({ port: 0, issuer: portal.origin, logger: silentLogger() });
  });
  afterEach(async () => {
    await demo.close();
    await portal.close();
  });

  it('should sign the user in to the demo app with amr pwd+otp when the portal session used password and TOTP', async () => {
    const org = await seedUser(portal.db, 'alice@example.com');
    await addDemoClient(portal.db, demo, org, { name: 'Demo' });

    const client = new BrowserLikeClient();
    const signInPage = await client.follow(`${demo.origin}/login`);
    const done = await signInWithPasswordAndTotp(client, portal.origin, org, signInPage);

    expect(done.url).toBe(`${demo.origin}/`);
    expect(done.body).toContain('<dd id="user-email">alice@example.com</dd>');
    expect(done.body).toContain('<dd id="amr">pwd, otp</dd>');
    expect(done.body).toContain('<dd id="acr">urn:keybound:acr:mfa</dd>');
    expect(done.body).toContain('<dd id="device-trusted">no</dd>');
  });

  it('should sign the app in as the new user when another user signs in to the portal in the same browser', async () => {
    const alice = await seedUser(portal.db, 'alice@example.com');
    const bob = await seedUser(portal.db, 'bob@example.com');
    await addDemoClient(portal.db, demo, alice, { name: 'Demo', alsoAssign: [bob.email] });

    const browser = new BrowserLikeClient();
    const asAlice = await signInWithPasswordAndTotp(
      browser,
      portal.origin,
      alice,
      await browser.follow(`${demo.origin}/login`),
    );
    expect(asAlice.body).toContain('<dd id="user-email">alice@example.com</dd>');

    // Alice signs out of the portal and the demo app; Bob signs in on the same browser.
    const home = await browser.follow(`${portal.origin}/`);
    await browser.follow(`${portal.origin}/signout`, { form: { _csrf: csrfOf(home.body) } });
    await browser.follow(`${demo.origin}/logout`);
    const asBob = await signInWithPasswordAndTotp(
      browser,
      portal.origin,
      bob,
      await browser.follow(`${demo.origin}/login`),
    );

    expect(asBob.url).toBe(`${demo.origin}/`);
    expect(asBob.body).toContain('<dd id="user-email">bob@example.com</dd>');
    expect(asBob.body).toContain(`<dd id="user-sub">${bob.user.id}</dd>`);
  });
});
