/**
 * Device-bound sessions (DBSC) over real HTTP: a device sign-in is offered binding, a software
 * DBSC client written from the spec registers and refreshes, the bound cookie is short-lived,
 * copied cookies die at their expiry, and every bad refresh is refused with its own code and audit
 * line. Time moves with the portal's injected clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CookieJarFetch } from '../../dev/CookieJarFetch.js';
import { deviceRevoke, setOrgSessionRefresh } from '../../portal/src/admin/adminActions.js';
import { listAudit } from '../../portal/src/store/audit.js';
import { SECURE_SESSION_REGISTRATION } from '../../shared/dbsc/dbscHeaders.js';
import { dbscSessionInstructions } from '../../shared/dbsc/dbscSessionInstructions.js';
import { SoftwareDbscClient } from '../helpers/SoftwareDbscClient.js';
import {
  addTestUser,
  deviceSignIn,
  registerEnrolledDevice,
  sessionInfo,
  startTestPortal,
  type TestPortal,
  type TestUser,
} from './helpers/portalTestKit.js';

describe('device-bound sessions (DBSC)', () => {
  let kit: TestPortal;
  let user: TestUser;
  beforeEach(async () => {
    kit = await startTestPortal();
    user = await addTestUser(kit, 'ada@example.com', { mfa: true });
  });
  afterEach(async () => {
    await kit.close();
  });

  /** Device sign-in on a fresh client, then DBSC registration by a software client. */
  async function boundSignIn() {
    const { device } = await registerEnrolledDevice(kit, user);
    const client = kit.client();
    const signIn = await deviceSignIn(client, device, user.email);
    expect(signIn.status).toBe(200);
    const dbsc = new SoftwareDbscClient(
      client,
      { deviceId: device.deviceId as string, sign: (d) => device.identitySign(d) },
      () => kit.clock.now,
    );
    const registered = await dbsc.registerFrom(signIn);
    expect(registered.status).toBe(200);
    return { device, client, dbsc, signIn, registered };
  }

  const refusals = async (code: string) =>
    (await listAudit(kit.portal.db)).filter((e) => e.event === 'dbsc.refresh.refused' && e.details.code === code);

  it('should offer ES256 binding at device sign-in and answer registration with the spec’s session instructions', async () => {
    const { signIn, registered, client, dbsc } = await boundSignIn();
    expect(signIn.headers.get(SECURE_SESSION_REGISTRATION)).toMatch(
      /^\(ES256\);path="\/dbsc\/register";challenge="[\w-]{43}"$/,
    );
    const instructions = dbscSessionInstructions.parse(registered.json());
    expect(instructions).toMatchObject({
      session_identifier: dbsc.sessionId,
      refresh_url: '/dbsc/refresh',
      scope: { origin: kit.origin, include_site: false },
      credentials: [{ type: 'cookie', name: 'kb_bound', attributes: 'Path=/; HttpOnly; SameSite=Lax' }],
    });
    expect(registered.headers.getSetCookie().find((c) => c.startsWith('kb_bound='))).toMatch(/Max-Age=300$/);
    expect(dbsc.cachedChallenge).toMatch(/^[\w-]{43}$/);
    expect(await sessionInfo(client)).toMatchObject({ signedIn: true, method: 'device' });
  });

  it('should keep the device signed in across several refreshes, each renewing the short-lived cookie', async () => {
    const { client, dbsc } = await boundSignIn();
    const cookies = new Set([client.cookie('kb_bound')]);
    for (let i = 0; i < 4; i++) {
      kit.clock.advance(250_000);
      const res = await dbsc.refresh();
      expect(res.status).toBe(200);
      cookies.add(client.cookie('kb_bound'));
      expect(await sessionInfo(client)).toMatchObject({ signedIn: true, trusted: true });
    }
    expect(cookies.size).toBe(5);
  });

  it('should let a copied cookie set work only until the bound cookie expires (the infostealer case)', async () => {
    const { client, dbsc } = await boundSignIn();
    const thief = new CookieJarFetch(kit.origin);
    for (const [k, v] of client.cookies) thief.cookies.set(k, v);
    expect(await sessionInfo(thief)).toMatchObject({ signedIn: true });
    kit.clock.advance(200_000);
    expect((await dbsc.refresh()).status).toBe(200);
    kit.clock.advance(101_000); // past the copied cookie's 300 s
    expect(await sessionInfo(thief)).toMatchObject({ signedIn: false });
    expect(await sessionInfo(client)).toMatchObject({ signedIn: true });
  });

  it('should sign out a device session that never binds once one refresh interval has passed', async () => {
    const { device } = await registerEnrolledDevice(kit, user);
    const client = kit.client();
    expect((await deviceSignIn(client, device, user.email)).status).toBe(200);
    expect(await sessionInfo(client)).toMatchObject({ signedIn: true });
    kit.clock.advance(301_000);
    expect(await sessionInfo(client)).toMatchObject({ signedIn: false });
  });

  it('should use the organisation’s session-refresh interval for the bound cookie', async () => {
    await setOrgSessionRefresh(kit.portal.db, kit.clock.now, 30);
    const { registered, client, dbsc } = await boundSignIn();
    expect(registered.headers.getSetCookie().find((c) => c.startsWith('kb_bound='))).toMatch(/Max-Age=30$/);
    kit.clock.advance(31_000);
    expect(await sessionInfo(client)).toMatchObject({ signedIn: false });
    expect((await dbsc.refresh()).status).toBe(200);
    expect(await sessionInfo(client)).toMatchObject({ signedIn: true });
    await expect(setOrgSessionRefresh(kit.portal.db, kit.clock.now, 1)).rejects.toThrow(/from 5 to 86400/);
  });

  it('should refuse a forged proof with ERR_DBSC_PROOF_FORGED and an audit line', async () => {
    const { dbsc } = await boundSignIn();
    const challenge = dbsc.cachedChallenge as string;
    const proof = await dbsc.refreshProof(challenge);
    const [h, p, s] = proof.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, iat: payload.iat + 1 })).toString('base64url')}.${s}`;
    const res = await dbsc.sendRefresh(tampered);
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ code: 'ERR_DBSC_PROOF_FORGED' });
    const none = `${Buffer.from('{"alg":"none","typ":"dbsc+jwt"}').toString('base64url')}.${p}.`;
    expect((await dbsc.sendRefresh(none)).json()).toMatchObject({ code: 'ERR_DBSC_PROOF_FORGED' });
    expect(await refusals('ERR_DBSC_PROOF_FORGED')).toHaveLength(2);
    // The forgery did not burn the challenge: the real proof still works.
    expect((await dbsc.sendRefresh(proof)).status).toBe(200);
  });

  it('should refuse a replayed proof with ERR_DBSC_PROOF_REPLAYED and an audit line', async () => {
    const { dbsc } = await boundSignIn();
    const proof = await dbsc.refreshProof(dbsc.cachedChallenge as string);
    expect((await dbsc.sendRefresh(proof)).status).toBe(200);
    const again = await dbsc.sendRefresh(proof);
    expect(again.status).toBe(401);
    expect(again.json()).toMatchObject({ code: 'ERR_DBSC_PROOF_REPLAYED' });
    expect(await refusals('ERR_DBSC_PROOF_REPLAYED')).toHaveLength(1);
  });

  it('should refuse a stale proof with ERR_DBSC_PROOF_STALE, an audit line and a new challenge (403)', async () => {
    const { dbsc } = await boundSignIn();
    const challenge = dbsc.cachedChallenge as string;
    const oldProof = await dbsc.refreshProof(challenge, { iat: new Date(kit.clock.now - 10 * 60_000) });
    const res = await dbsc.sendRefresh(oldProof);
    expect(res.status).toBe(403);
    expect(res.json()).toMatchObject({ code: 'ERR_DBSC_PROOF_STALE' });
    expect(dbsc.cachedChallenge).not.toBe(challenge);
    // A challenge past its lifetime is stale too.
    kit.clock.advance(30 * 60_000);
    const late = await dbsc.sendRefresh(await dbsc.refreshProof(challenge));
    expect(late.json()).toMatchObject({ code: 'ERR_DBSC_PROOF_STALE' });
    expect(await refusals('ERR_DBSC_PROOF_STALE')).toHaveLength(2);
  });

  it('should refuse a proof signed by another device’s session key with ERR_DBSC_WRONG_KEY', async () => {
    const victim = await boundSignIn();
    const other = await addTestUser(kit, 'eve@example.com', { mfa: true });
    const { device } = await registerEnrolledDevice(kit, other);
    const client = kit.client();
    const signIn = await deviceSignIn(client, device, other.email);
    const attacker = new SoftwareDbscClient(client, undefined, () => kit.clock.now);
    expect((await attacker.registerFrom(signIn)).status).toBe(200);
    // The attacker's device signs a refresh of the victim's session with its own key.
    const proof = await victim.dbsc.refreshProof(victim.dbsc.cachedChallenge as string, {
      keyPair: attacker.keyPair as CryptoKeyPair,
    });
    const res = await victim.dbsc.sendRefresh(proof);
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ code: 'ERR_DBSC_WRONG_KEY' });
    expect(await refusals('ERR_DBSC_WRONG_KEY')).toHaveLength(1);
  });

  it('should refuse the refresh of a revoked device with ERR_DEVICE_REVOKED and end the session', async () => {
    const { device, client, dbsc } = await boundSignIn();
    await deviceRevoke(kit.portal.db, kit.clock.now, device.deviceId as string);
    const res = await dbsc.refresh();
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ code: 'ERR_DEVICE_REVOKED' });
    expect(await refusals('ERR_DEVICE_REVOKED')).toHaveLength(1);
    expect(await sessionInfo(client)).toMatchObject({ signedIn: false });
    expect((await dbsc.sendRefresh(undefined)).json()).toMatchObject({ code: 'ERR_DBSC_SESSION_UNKNOWN' });
  });

  it('should refuse a registration without the session it was offered to, or with a reused challenge', async () => {
    const { signIn } = await boundSignIn();
    const stranger = new SoftwareDbscClient(new CookieJarFetch(kit.origin), undefined, () => kit.clock.now);
    const res = await stranger.registerFrom(signIn);
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ code: 'ERR_UNAUTHENTICATED' });
    expect((await listAudit(kit.portal.db)).some((e) => e.event === 'dbsc.register.refused')).toBe(true);
  });
});
