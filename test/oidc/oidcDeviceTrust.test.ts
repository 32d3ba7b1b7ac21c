import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DemoApp, startDemoApp } from '../../portal/src/demoApp/startDemoApp.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { addDemoClient } from './helpers/addDemoClient.js';
import { BrowserLikeClient } from './helpers/BrowserLikeClient.js';
import { enrollDevice, registerDevice, signInWithDevice } from './helpers/deviceSignIn.js';
import { type SeededUser, seedUser, signInAtPortal, signInWithPasswordAndTotp } from './helpers/portalSignIn.js';
import { startOidcTestPortal, type TestPortal } from './helpers/startOidcTestPortal.js';

const countCodes = async (portal: TestPortal) =>
  (await portal.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM oidc_artefacts WHERE model = 'AuthorizationCode'"))?.n;

describe('Device Trust for a protected SSO app', () => {
  let portal: TestPortal;
  let demo: DemoApp;
  let alice: SeededUser;

  beforeEach(async () => {
    portal = await startOidcTestPortal();
    demo = await startDemoApp({ port: 0, issuer: portal.origin, logger: silentLogger() });
    alice = await seedUser(portal.db, 'alice@example.com', { deviceTrust: true });
    await addDemoClient(portal.db, demo, alice, { name: 'Payroll', protected: true });
  });
  afterEach(async () => {
    await demo.close();
    await portal.close();
  });

  it('should refuse a code with the untrusted page when the session used only password and TOTP', async () => {
    const client = new BrowserLikeClient();
    const signInPage = await client.follow(`${demo.origin}/login`);
    const end = await signInWithPasswordAndTotp(client, portal.origin, alice, signInPage);

    expect(end.status).toBe(403);
    expect(end.url).toMatch(new RegExp(`^${portal.origin}/oidc/interaction/`));
    expect(end.body).toContain('Trusted device required');
    expect(end.body).toContain('Payroll is protected by Device Trust');
    expect(end.body).toContain('You signed in with your password, not with device sign-in');
    expect(end.body).toContain('/signin/step-up?return_to=%2Foidc%2Finteraction%2F');
    expect(end.hops.some((h) => h.url.startsWith(demo.redirectUri))).toBe(false);
    expect(await countCodes(portal)).toBe(0);
  });

  it('should issue a code with amr hwk+user and device_trusted when the session came from device sign-in on an enrolled device', async () => {
    const setup = new BrowserLikeClient();
    await signInAtPortal(setup, portal.origin, alice);
    const device = await enrollDevice(portal);
    await registerDevice(setup, portal, device);

    const client = new BrowserLikeClient();
    const signInPage = await client.follow(`${demo.origin}/login`);
    const end = await signInWithDevice(client, portal, alice.email, device, signInPage);

    expect(end.url).toBe(`${demo.origin}/`);
    expect(end.body).toContain('<dd id="user-email">alice@example.com</dd>');
    expect(end.body).toContain('<dd id="amr">hwk, user</dd>');
    expect(end.body).toContain('<dd id="acr">urn:keybound:acr:device</dd>');
    expect(end.body).toContain('<dd id="device-trusted">yes</dd>');
  });

  it('should issue the code after step-up when an untrusted session signs in with the device from the refusal page', async () => {
    const setup = new BrowserLikeClient();
    await signInAtPortal(setup, portal.origin, alice);
    const device = await enrollDevice(portal);
    await registerDevice(setup, portal, device);

    // Same browser, still on its password session: refused, then steps up.
    const refused = await setup.follow(`${demo.origin}/login`);
    expect(refused.status).toBe(403);
    const stepUpPath = /href="(\/signin\/step-up\?return_to=[^"]+)"/.exec(refused.body)?.[1];
    expect(stepUpPath).toBeDefined();
    const stepUp = await setup.follow(new URL((stepUpPath as string).replaceAll('&amp;', '&'), portal.origin).href);
    const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(stepUp.body)?.[1] as string;
    const headers = { 'x-csrf-token': csrf };
    const optionsRes = await setup.request(`${portal.origin}/api/webauthn/authentication/options`, {
      json: {},
      headers,
    });
    const { options } = (await optionsRes.json()) as { options: Parameters<typeof device.signIn>[1] };
    const verify = await setup.request(`${portal.origin}/api/webauthn/authentication/verify`, {
      json: await device.signIn(portal.origin, options),
      headers,
    });
    expect(verify.status).toBe(200);
    // The step-up page's script continues to its own `next` (the interaction), as a browser would.
    const next = (/data-next="([^"]+)"/.exec(stepUp.body)?.[1] ?? '').replaceAll('&amp;', '&');
    expect(next).toMatch(/^\/oidc\/interaction\//);

    const end = await setup.follow(new URL(next, portal.origin).href);
    expect(end.url).toBe(`${demo.origin}/`);
    expect(end.body).toContain('<dd id="device-trusted">yes</dd>');
  });

  it('should refuse again at once when the device is revoked after a trusted sign-in', async () => {
    const setup = new BrowserLikeClient();
    await signInAtPortal(setup, portal.origin, alice);
    const device = await enrollDevice(portal);
    await registerDevice(setup, portal, device);
    const client = new BrowserLikeClient();
    const first = await signInWithDevice(
      client,
      portal,
      alice.email,
      device,
      await client.follow(`${demo.origin}/login`),
    );
    expect(first.url).toBe(`${demo.origin}/`);

    await portal.db.run('UPDATE devices SET revoked_at = ? WHERE id = ?', [Date.now(), device.deviceId as string]);
    const again = await client.follow(`${demo.origin}/login`);
    expect(again.status).toBe(403);
    expect(again.body).toContain('removed from device management');
  });
});
