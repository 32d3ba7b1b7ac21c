/**
 * Issue 11, "revocation that reaches every app", through real servers: a device-signed-in user
 * with a DBSC-bound portal session opens the demo SSO app; the admin runs `keybound admin device
 * revoke` (the real CLI, another process, on the same store). Within one refresh interval the demo
 * app has ended its session, having received an OIDC Back-Channel Logout token and CAEP SETs that
 * this test verifies again with `jose` against the portal's JWKS; the portal session's next
 * refresh is refused and it is signed out. The portal's clock is real time plus an offset the test
 * moves forward (so notices the CLI queues at real time are due at once).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DevPortal, startDevPortal } from '../../dev/startDevPortal.js';
import { setOrgSessionRefresh } from '../../portal/src/admin/adminActions.js';
import { adminAssignApp } from '../../portal/src/apps/appAdminActions.js';
import { type DemoApp, startDemoApp } from '../../portal/src/demoApp/startDemoApp.js';
import { listOutbox } from '../../portal/src/revocation/outbox.js';
import { listAudit } from '../../portal/src/store/audit.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { newTestDatabase } from '../helpers/testStore.js';
import { BrowserLikeClient } from './helpers/BrowserLikeClient.js';
import { signInToAppWithBoundDevice } from './helpers/boundDeviceSignIn.js';
import { enrollDevice, registerDevice } from './helpers/deviceSignIn.js';
import { type SeededUser, seedUser, signInAtPortal } from './helpers/portalSignIn.js';
import type { TestPortal } from './helpers/startOidcTestPortal.js';

const run = promisify(execFile);
const ENTRY = join(import.meta.dirname, '..', '..', 'dev', 'cliEntry.ts');
const REFRESH_SECONDS = 60;

describe('revocation reaches every app', () => {
  let dev: DevPortal;
  let demo: DemoApp;
  let alice: SeededUser;
  let offset = 0;
  const clock = () => Date.now() + offset;

  const keybound = async (...args: string[]) => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', ENTRY, 'admin', '--db', dev.database, '--json', ...args],
      { cwd: join(import.meta.dirname, '..', '..'), timeout: 60_000 },
    );
    return JSON.parse(stdout) as Record<string, unknown>;
  };

  beforeEach(async () => {
    offset = 0;
    dev = await startDevPortal({
      clock,
      store: (dir) => newTestDatabase(dir, 'portal.db'),
      revocationDelivery: { pollMs: 100, baseDelayMs: 200 },
    });
    demo = await startDemoApp({ port: 0, issuer: dev.portal.origin, logger: silentLogger() });
    alice = await seedUser(dev.portal.db, 'alice@example.com', { deviceTrust: true });
    await setOrgSessionRefresh(dev.portal.db, clock(), REFRESH_SECONDS);
  });
  afterEach(async () => {
    await demo?.close();
    await dev?.close();
  });

  it('should end the portal session and the demo app session after `keybound admin device revoke`, with a verifiable logout token and CAEP SETs', async () => {
    const portal: TestPortal = {
      origin: dev.portal.origin,
      port: dev.portal.port,
      db: dev.portal.db,
      ctx: dev.portal.ctx,
      restart: () => dev.restart(),
      close: () => dev.close(),
    };
    // The admin registers the app with its back-channel logout URI and its SSF receiver (CLI).
    const added = await keybound(
      'app',
      'add',
      'Payroll',
      '--redirect-uri',
      demo.redirectUri,
      '--launch-url',
      `${demo.origin}/login`,
      '--backchannel-logout-uri',
      demo.backchannelLogoutUri,
      '--protected',
    );
    expect(added).toMatchObject({ backchannelLogoutUri: demo.backchannelLogoutUri });
    const clientId = added.clientId as string;
    demo.setClient(clientId, added.clientSecret as string);
    const receiver = await keybound('ssf', 'receiver', 'add', demo.ssfEndpoint, '--app', 'Payroll');
    expect(receiver).toMatchObject({ endpointUrl: demo.ssfEndpoint, audience: clientId, app: 'Payroll' });
    await adminAssignApp(dev.portal.db, clock(), { name: 'Payroll', email: alice.email });

    // Alice's device is enrolled and registered (from a password session).
    const setup = new BrowserLikeClient();
    await signInAtPortal(setup, portal.origin, alice);
    const device = await enrollDevice(portal);
    await registerDevice(setup, portal, device);

    // She opens Payroll and signs in with the device; the portal session binds (DBSC).
    const { browser, dbsc, landed } = await signInToAppWithBoundDevice({
      portalOrigin: portal.origin,
      appStartUrl: `${demo.origin}/login`,
      email: alice.email,
      device,
      clock,
    });
    expect(landed.url).toBe(`${demo.origin}/`);
    expect(landed.body).toContain('<dd id="device-trusted">yes</dd>');
    expect(demo.sessionCount()).toBe(1);
    const grant = await dev.portal.db.get<{ sid: string | null; device_id: string }>(
      'SELECT sid, device_id FROM oidc_grant_facts WHERE client_id = ?',
      [clientId],
    );
    expect(grant).toMatchObject({ device_id: device.deviceId });
    const sid = grant?.sid as string;
    expect(sid).toEqual(expect.any(String));
    // One refresh works before the revocation.
    expect((await dbsc.refresh()).status).toBe(200);

    // The admin revokes the device (the real CLI, another process).
    const revokedAt = clock();
    const revoked = await keybound('device', 'revoke', device.deviceId as string);
    expect(revoked).toMatchObject({ id: device.deviceId, revoked: true, appSessionsRevoked: 1, noticesQueued: 3 });

    // The demo app ends its session once the notices arrive (bounded wait with a clear message).
    await expect
      .poll(() => demo.sessionCount(), { timeout: 30_000, interval: 100, message: 'demo app session still open' })
      .toBe(0);
    await expect.poll(() => demo.received().length, { timeout: 30_000, interval: 100 }).toBe(3);
    // The portal records each delivery just after the app answered it.
    await expect
      .poll(async () => (await listOutbox(dev.portal.db)).filter((r) => r.deliveredAt !== null).length, {
        timeout: 30_000,
        interval: 100,
      })
      .toBe(3);
    const outbox = await listOutbox(dev.portal.db);
    expect(outbox).toHaveLength(3);
    for (const row of outbox) {
      expect(row.deliveredAt, `${row.kind} to ${row.target}: ${row.lastError}`).not.toBeNull();
      // Within one refresh interval of the revocation, as the portal's clock counts.
      expect((row.deliveredAt as number) - revokedAt).toBeLessThan(REFRESH_SECONDS * 1000);
    }
    const signedOut = await browser.follow(`${demo.origin}/`);
    expect(signedOut.body).toContain('You are not signed in');

    // The test checks the tokens itself, with jose, against the portal's published keys.
    const jwks = createLocalJWKSet((await (await fetch(`${portal.origin}/oidc/jwks`)).json()) as JSONWebKeySet);
    const logout = demo.received().find((n) => n.kind === 'backchannel-logout');
    const { payload: lt, protectedHeader: lh } = await jwtVerify(logout?.token as string, jwks, {
      issuer: portal.origin,
      audience: clientId,
      typ: 'logout+jwt',
      algorithms: ['ES256'],
    });
    expect(lh.kid).toEqual(expect.any(String));
    expect(lt).toMatchObject({
      sub: alice.user.id,
      sid,
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    });
    expect(lt.nonce).toBeUndefined();
    expect(lt.exp).toBeGreaterThan(lt.iat as number);

    const sets = demo.received().filter((n) => n.kind === 'caep');
    const verified = await Promise.all(
      sets.map((n) => jwtVerify(n.token, jwks, { issuer: portal.origin, audience: clientId, typ: 'secevent+jwt' })),
    );
    const byEvent = new Map(verified.map((v) => [Object.keys(v.payload.events as object)[0], v.payload]));
    const revokedSet = byEvent.get('https://schemas.openid.net/secevent/caep/event-type/session-revoked');
    expect(revokedSet).toMatchObject({
      sub_id: {
        format: 'complex',
        user: { format: 'iss_sub', iss: portal.origin, sub: alice.user.id },
        device: { format: 'opaque', id: device.deviceId },
        session: { format: 'opaque', id: sid },
      },
      events: {
        'https://schemas.openid.net/secevent/caep/event-type/session-revoked': {
          initiating_entity: 'admin',
          event_timestamp: expect.any(Number),
          reason_admin: { en: expect.stringContaining('revoked') },
        },
      },
    });
    expect(revokedSet?.txn).toEqual(expect.any(String));
    expect(byEvent.get('https://schemas.openid.net/secevent/caep/event-type/device-compliance-change')).toMatchObject({
      events: {
        'https://schemas.openid.net/secevent/caep/event-type/device-compliance-change': {
          previous_status: 'compliant',
          current_status: 'not-compliant',
        },
      },
    });

    // The app's tokens were revoked at the portal too: none of the grant's artefacts are left.
    expect(await dev.portal.db.get('SELECT 1 FROM oidc_grant_facts WHERE client_id = ?', [clientId])).toBeUndefined();

    // The portal session: its next refresh, due within one interval, is refused and ends it.
    offset += (REFRESH_SECONDS - 5) * 1000;
    const refused = await dbsc.refresh();
    expect(refused.status).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'ERR_DEVICE_REVOKED' });
    const home = await browser.follow(`${portal.origin}/`);
    expect(home.url).toMatch(new RegExp(`^${portal.origin}/signin`));
    const events = (await listAudit(dev.portal.db)).map((e) => e.event);
    expect(events).toEqual(
      expect.arrayContaining(['admin.device.revoke', 'revocation.queued', 'revocation.delivered']),
    );
  }, 180_000);
});
