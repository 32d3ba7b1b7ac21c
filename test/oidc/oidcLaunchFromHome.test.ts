import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureDemoApp } from '../../portal/src/demoApp/ensureDemoApp.js';
import { type DemoApp, startDemoApp } from '../../portal/src/demoApp/startDemoApp.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { BrowserLikeClient } from './helpers/BrowserLikeClient.js';
import { type SeededUser, seedUser, signInAtPortal } from './helpers/portalSignIn.js';
import { startOidcTestPortal, type TestPortal } from './helpers/startOidcTestPortal.js';

const tileHref = (html: string, name: string) =>
  new RegExp(`<a href="([^"]+)" data-app="${name}">`).exec(html)?.[1]?.replaceAll('&amp;', '&');

describe('launching an SSO app from the portal home page', () => {
  let portal: TestPortal;
  let demos: DemoApp[];
  let alice: SeededUser;

  beforeEach(async () => {
    portal = await startOidcTestPortal();
    demos = [];
    alice = await seedUser(portal.db, 'alice@example.com');
  });
  afterEach(async () => {
    for (const demo of demos) await demo.close();
    await portal.close();
  });

  const startDemo = async () => {
    const demo = await startDemoApp({ port: 0, issuer: portal.origin, logger: silentLogger() });
    demos.push(demo);
    await ensureDemoApp(portal.db, demo, { orgId: alice.user.orgId, name: 'Demo app', assignTo: [alice.email] });
    return demo;
  };

  it('should complete a code flow when the user clicks the app tile on the home page', async () => {
    const demo = await startDemo();
    const browser = new BrowserLikeClient();
    const home = await signInAtPortal(browser, portal.origin, alice);
    expect(home.url).toBe(`${portal.origin}/`);
    const href = tileHref(home.body, 'Demo app');
    expect(href).toBe(`${demo.origin}/login`);

    const end = await browser.follow(href as string);
    expect(end.url).toBe(`${demo.origin}/`);
    expect(end.body).toContain('<dd id="user-email">alice@example.com</dd>');
  });

  it('should point the tile at the new origin and rotate the secret when the demo app starts again', async () => {
    const first = await startDemo();
    await first.close();
    const second = await startDemo();
    const browser = new BrowserLikeClient();
    const home = await signInAtPortal(browser, portal.origin, alice);

    expect(tileHref(home.body, 'Demo app')).toBe(`${second.origin}/login`);
    const end = await browser.follow(`${second.origin}/login`);
    expect(end.body).toContain('<dd id="amr">pwd, otp</dd>');
  });
});
