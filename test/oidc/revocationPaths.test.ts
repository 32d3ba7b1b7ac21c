/**
 * The other roads to an app's revocation, and attacks on the app's receiver: deleting the user's
 * device sign-in credential, a device falling out of posture policy, and a device leaving device
 * management (its refreshes stop carrying a signed posture statement) each end the demo app's
 * session (back-channel logout, CAEP); forged, misaddressed or malformed tokens posted to the demo
 * app are refused and end nothing.
 */
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SoftwareAuthenticator } from '../../dev/softwareAuthenticator.js';
import { type DevPortal, startDevPortal } from '../../dev/startDevPortal.js';
import { credentialDelete, credentialList } from '../../portal/src/admin/adminActions.js';
import { addApp } from '../../portal/src/apps/addApp.js';
import { assignApp } from '../../portal/src/apps/assignApp.js';
import { type DemoApp, startDemoApp } from '../../portal/src/demoApp/startDemoApp.js';
import { loadOidcKeys } from '../../portal/src/oidc/loadOidcKeys.js';
import { policySet } from '../../portal/src/posture/postureAdminActions.js';
import { listOutbox } from '../../portal/src/revocation/outbox.js';
import { ssfReceiverAdd } from '../../portal/src/revocation/ssfAdminActions.js';
import { listAudit } from '../../portal/src/store/audit.js';
import type { PostureSignals } from '../../shared/device/postureSchema.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { newTestDatabase } from '../helpers/testStore.js';
import { BrowserLikeClient } from './helpers/BrowserLikeClient.js';
import { signInToAppWithBoundDevice } from './helpers/boundDeviceSignIn.js';
import { enrollDevice, registerDevice } from './helpers/deviceSignIn.js';
import { type SeededUser, seedUser, signInAtPortal } from './helpers/portalSignIn.js';
import type { TestPortal } from './helpers/startOidcTestPortal.js';

const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
const COMPLIANCE = 'https://schemas.openid.net/secevent/caep/event-type/device-compliance-change';
const BCL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const HEALTHY: PostureSignals = {
  osName: 'Debian GNU/Linux',
  osVersion: '12',
  diskEncryption: 'on',
  firewall: 'on',
  screenLock: 'on',
  protect: 'ready',
  keyProtection: 'software',
};

describe('revocation: credential deletion, posture, and a hostile receiver side', () => {
  let dev: DevPortal;
  let demo: DemoApp;
  let alice: SeededUser;
  let device: SoftwareAuthenticator;
  let clientId: string;

  beforeEach(async () => {
    dev = await startDevPortal({
      store: (dir) => newTestDatabase(dir, 'portal.db'),
      revocationDelivery: { pollMs: 100, baseDelayMs: 200 },
    });
    const portal = { origin: dev.portal.origin, db: dev.portal.db } as TestPortal;
    demo = await startDemoApp({ port: 0, issuer: dev.portal.origin, logger: silentLogger() });
    alice = await seedUser(dev.portal.db, 'alice@example.com', { deviceTrust: true });
    const { app, clientSecret } = await addApp(dev.portal.db, {
      orgId: alice.user.orgId,
      name: 'Payroll',
      redirectUris: [demo.redirectUri],
      launchUrl: `${demo.origin}/login`,
      backchannelLogoutUri: demo.backchannelLogoutUri,
    });
    clientId = app.clientId;
    demo.setClient(app.clientId, clientSecret);
    await assignApp(dev.portal.db, { orgId: alice.user.orgId, appName: 'Payroll', email: alice.email });
    // An organisation-wide receiver (not tied to the app): SETs name the user and the device.
    await ssfReceiverAdd(dev.portal.db, Date.now(), { endpointUrl: demo.ssfEndpoint, audience: clientId });
    const setup = new BrowserLikeClient();
    await signInAtPortal(setup, portal.origin, alice);
    device = await enrollDevice(portal);
    await registerDevice(setup, portal, device);
  });
  afterEach(async () => {
    await demo?.close();
    await dev?.close();
  });

  const signedInToApp = async (identity = false) => {
    const r = await signInToAppWithBoundDevice({
      portalOrigin: dev.portal.origin,
      appStartUrl: `${demo.origin}/login`,
      email: alice.email,
      device,
      clock: Date.now,
      ...(identity
        ? {
            identity: {
              deviceId: device.deviceId as string,
              sign: (d: Uint8Array<ArrayBuffer>) => device.identitySign(d),
            },
          }
        : {}),
    });
    expect(r.landed.url).toBe(`${demo.origin}/`);
    expect(demo.sessionCount()).toBe(1);
    return r;
  };
  const allDelivered = (n: number) =>
    expect
      .poll(async () => (await listOutbox(dev.portal.db)).filter((r) => r.deliveredAt !== null).length, {
        timeout: 30_000,
        interval: 100,
      })
      .toBe(n);
  const eventsReceived = () => demo.received().map((n) => Object.keys(n.claims.events as object)[0] as string);

  it('should end the app session when the admin deletes the device sign-in credential', async () => {
    await signedInToApp();
    const [credential] = await credentialList(dev.portal.db);
    const result = await credentialDelete(dev.portal.db, Date.now(), credential?.id as string);
    expect(result).toMatchObject({ deleted: true, appSessionsRevoked: 1, noticesQueued: 2 });
    await allDelivered(2);
    await expect.poll(() => demo.sessionCount(), { timeout: 30_000 }).toBe(0);
    expect(eventsReceived().sort()).toEqual([BCL_EVENT, SESSION_REVOKED]);
    const set = demo.received().find((n) => n.kind === 'caep');
    // Organisation-wide receiver: the user and the device, no app session.
    expect(set?.claims.sub_id).toEqual({
      format: 'complex',
      user: { format: 'iss_sub', iss: dev.portal.origin, sub: alice.user.id },
      device: { format: 'opaque', id: device.deviceId },
    });
    expect(set?.claims.events).toMatchObject({ [SESSION_REVOKED]: { initiating_entity: 'admin' } });
  });

  it('should end the app session when a refresh finds the device out of a blocking posture rule', async () => {
    const { dbsc } = await signedInToApp(true);
    await policySet(dev.portal.db, Date.now(), { rule: 'firewall', mode: 'block' });
    dbsc.posture = { ...HEALTHY, firewall: 'off' };
    const refused = await dbsc.refresh();
    expect(refused.json()).toMatchObject({ code: 'ERR_POSTURE_BLOCKED' });
    await allDelivered(3);
    await expect.poll(() => demo.sessionCount(), { timeout: 30_000 }).toBe(0);
    expect(eventsReceived().sort()).toEqual([COMPLIANCE, BCL_EVENT, SESSION_REVOKED].sort());
    const compliance = demo.received().find((n) => (n.claims.events as Record<string, unknown>)[COMPLIANCE]);
    expect(compliance?.claims.events).toEqual({
      [COMPLIANCE]: expect.objectContaining({
        previous_status: 'compliant',
        current_status: 'not-compliant',
        initiating_entity: 'policy',
        reason_admin: { en: expect.stringContaining('firewall') },
      }),
    });
  });

  it('should end the app session when the device leaves device management (no signed posture any more)', async () => {
    const { dbsc } = await signedInToApp(true);
    dbsc.posture = HEALTHY;
    expect((await dbsc.refresh()).status).toBe(200);
    // `keybound device unenroll` deletes the identity key: the daemon's proofs carry no statement.
    dbsc.posture = undefined;
    const refused = await dbsc.refresh();
    expect(refused.status).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'ERR_DEVICE_NOT_ENROLLED' });
    await allDelivered(3);
    await expect.poll(() => demo.sessionCount(), { timeout: 30_000 }).toBe(0);
    const compliance = demo.received().find((n) => (n.claims.events as Record<string, unknown>)[COMPLIANCE]);
    expect(compliance?.claims.events).toEqual({
      [COMPLIANCE]: expect.objectContaining({ current_status: 'not-compliant', initiating_entity: 'system' }),
    });
    const audit = await listAudit(dev.portal.db);
    expect(
      audit.filter((e) => e.event === 'dbsc.refresh.refused' && e.details.code === 'ERR_DEVICE_NOT_ENROLLED'),
    ).toHaveLength(1);
  });

  it('should refuse forged, misaddressed and malformed notices at the demo app and keep its session', async () => {
    await signedInToApp();
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const kid = ((await (await fetch(`${dev.portal.origin}/oidc/jwks`)).json()) as { keys: { kid: string }[] }).keys[0]
      ?.kid as string;
    expect(kid).toEqual(expect.any(String));
    expect((await exportJWK(publicKey)).kty).toBe('EC');
    const now = Math.floor(Date.now() / 1000);
    const logoutToken = (key: CryptoKey, overrides: Record<string, unknown> = {}, typ = 'logout+jwt', aud = clientId) =>
      new SignJWT({ sub: alice.user.id, events: { [BCL_EVENT]: {} }, jti: crypto.randomUUID(), ...overrides })
        .setProtectedHeader({ alg: 'ES256', typ, kid })
        .setIssuer(dev.portal.origin)
        .setAudience(aud)
        .setIssuedAt(now)
        .setExpirationTime(now + 120)
        .sign(key);
    const postLogout = (token: string) =>
      fetch(demo.backchannelLogoutUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: token }),
      });
    const postSet = (body: string, contentType = 'application/secevent+jwt') =>
      fetch(demo.ssfEndpoint, { method: 'POST', headers: { 'content-type': contentType }, body });

    // Signed by a key that is not the portal's, though it names the portal's kid.
    const forged = await postLogout(await logoutToken(privateKey));
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ error: 'invalid_request' });
    const forgedSet = await postSet(
      await new SignJWT({
        jti: 'x',
        sub_id: { format: 'complex', user: { format: 'iss_sub', iss: dev.portal.origin, sub: alice.user.id } },
        events: { [SESSION_REVOKED]: { event_timestamp: now } },
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'secevent+jwt', kid })
        .setIssuer(dev.portal.origin)
        .setAudience(clientId)
        .setIssuedAt(now)
        .sign(privateKey),
    );
    expect(forgedSet.status).toBe(400);
    expect(await forgedSet.json()).toMatchObject({ err: 'invalid_key' });
    // Signed by the portal's own key, but meant for another app, or not a logout token.
    const jwk = (await loadOidcKeys(dev.portal.db)).signingKeys[0] as Parameters<typeof importJWK>[0];
    const portalKey = (await importJWK(jwk, 'ES256')) as CryptoKey;
    expect((await postLogout(await logoutToken(portalKey, {}, 'logout+jwt', 'kbc_other-app'))).status).toBe(400);
    expect((await postLogout(await logoutToken(portalKey, { nonce: 'n' }))).status).toBe(400);
    expect((await postLogout(await logoutToken(portalKey, {}, 'JWT'))).status).toBe(400);
    expect((await postLogout(await logoutToken(portalKey, { events: {} }))).status).toBe(400);
    // Wrong content type, a body too large, garbage, and GET.
    expect((await postSet('x', 'application/json')).status).toBe(400);
    expect((await postSet('x'.repeat(40_000))).status).toBe(413);
    expect((await postLogout('not.a.jwt')).status).toBe(400);
    expect((await fetch(demo.ssfEndpoint)).status).toBe(405);

    expect(demo.sessionCount()).toBe(1);
    expect(demo.received()).toHaveLength(0);
  });
});
