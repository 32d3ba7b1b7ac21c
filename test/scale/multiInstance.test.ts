/**
 * Several portal instances on one PostgreSQL: three real `keybound portal` processes on a
 * throwaway cluster, behind a round-robin proxy that sends each request to the next instance. The
 * seed flow (password sign-in, device registration, device sign-in, an SSO app's code flow) runs
 * with every request on a different instance; a challenge and an OIDC code raced or replayed on
 * two instances are accepted once; a killed instance loses nothing; and taking the database away
 * mid-flow gives 503s with a sentence, then the same portals sign in again once it is back.
 *
 * PostgreSQL is required in CI (a missing one fails); locally the file skips without it.
 */
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresCluster, postgresMissing, startPostgresCluster } from '../../dev/postgresCluster.js';
import { BACKEND_HEADER, type RoundRobinProxy, startRoundRobinProxy } from '../../dev/roundRobinProxy.js';
import { SoftwareAuthenticator } from '../../dev/softwareAuthenticator.js';
import { newEnrollmentToken } from '../../portal/src/admin/adminActions.js';
import { addApp } from '../../portal/src/apps/addApp.js';
import { assignApp } from '../../portal/src/apps/assignApp.js';
import { openDatabase, type PortalDb } from '../../portal/src/db/openDatabase.js';
import { oidcMigrations } from '../../portal/src/oidc/oidcMigrations.js';
import type { CreationOptionsJSON, RequestOptionsJSON } from '../../shared/protocol/webauthnJson.js';
import { type PortalProcess, startPortalProcess } from '../helpers/portalProcess.js';
import { BrowserLikeClient, type FollowResult } from '../oidc/helpers/BrowserLikeClient.js';
import { authorizationRequest, type ManualClient, redeemCode } from '../oidc/helpers/manualRelyingParty.js';
import { csrfOf, type SeededUser, seedUser, signInAtPortal } from '../oidc/helpers/portalSignIn.js';

const missing = postgresMissing();
if (missing && process.env.CI === 'true') throw new Error(`CI must run the multi-instance tests: ${missing}`);

const INSTANCES = 3;
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const toApp = (target: string) => target.startsWith(REDIRECT_URI);

function metaCsrf(html: string): string {
  const match = /<meta name="csrf-token" content="([^"]+)">/.exec(html);
  if (!match?.[1]) throw new Error('No csrf-token meta on the page');
  return match[1];
}

describe.skipIf(missing !== undefined)('several portal instances on one PostgreSQL', () => {
  let cluster: PostgresCluster;
  let databaseUrl: string;
  let db: PortalDb;
  let proxy: RoundRobinProxy;
  let origin: string;
  const portals: PortalProcess[] = [];
  const key = randomBytes(32).toString('base64url');
  let ada: SeededUser;
  let bob: SeededUser;
  let dbOpen = false;
  let device: SoftwareAuthenticator;
  let app: ManualClient;

  const startInstance = () =>
    startPortalProcess({ database: databaseUrl, issuer: origin, env: { KEYBOUND_PORTAL_KEY: key } });

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    databaseUrl = await cluster.createDatabase('multi');
    // The proxy first: its origin is every instance's --issuer (the public origin behind TLS).
    proxy = await startRoundRobinProxy([]);
    origin = `http://localhost:${proxy.port}`;
    // All three start at once on an empty database: migrations and the OIDC keys are created once,
    // under their locks, and the others wait and read them.
    const started = await Promise.allSettled(Array.from({ length: INSTANCES }, () => startInstance()));
    for (const s of started) if (s.status === 'fulfilled') portals.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    portals.forEach((p, i) => {
      proxy.setBackend(i, p.port);
    });
    db = await openDatabase(databaseUrl, { extraMigrations: oidcMigrations, atRestKey: Buffer.from(key, 'base64url') });
    dbOpen = true;
    ada = await seedUser(db, 'ada@acme.test');
    bob = await seedUser(db, 'bob@acme.test');
    const added = await addApp(db, { orgId: ada.user.orgId, name: 'Wiki', redirectUris: [REDIRECT_URI] });
    for (const who of [ada, bob]) await assignApp(db, { orgId: who.user.orgId, appName: 'Wiki', email: who.email });
    app = { clientId: added.app.clientId, clientSecret: added.clientSecret as string, redirectUri: REDIRECT_URI };
  }, 240_000);

  afterAll(async () => {
    for (const p of portals) await p.stop().catch(() => p.kill());
    await proxy?.close();
    if (dbOpen) await db.close();
    await cluster?.destroy();
  }, 120_000);

  /** Requests since `from` in the proxy's log, as "METHOD path → backend". */
  const landed = (from: number) => proxy.log.slice(from).map((r) => ({ ...r, path: r.path.split('?')[0] }));
  const backendOf = (from: number, method: string, path: string) =>
    landed(from).find((r) => r.method === method && r.path === path)?.backend;

  async function signInOptions(client: BrowserLikeClient): Promise<{ csrf: string; options: RequestOptionsJSON }> {
    const page = await client.follow(`${origin}/signin`);
    const cont = await client.follow(`${origin}/signin`, { form: { _csrf: csrfOf(page.body), email: ada.email } });
    expect(cont.url).toBe(`${origin}/signin/continue`);
    const csrf = metaCsrf(cont.body);
    const res = await client.request(`${origin}/api/webauthn/authentication/options`, {
      json: {},
      headers: { 'x-csrf-token': csrf },
    });
    expect(res.status).toBe(200);
    return { csrf, options: ((await res.json()) as { options: RequestOptionsJSON }).options };
  }

  async function codeFor(client: BrowserLikeClient) {
    const request = authorizationRequest(origin, app);
    const end: FollowResult = await client.follow(request.url, { stopAt: toApp });
    const code = new URL(end.url).searchParams.get('code');
    expect(code, `no code; stopped at ${end.url} (${end.status}): ${end.body.slice(0, 300)}`).toBeTruthy();
    return { request, code: code as string };
  }

  it('should run register, sign-in and an OIDC code flow with every request on the next instance', async () => {
    const from = proxy.log.length;
    device = new SoftwareAuthenticator({ enrollmentType: 'desktop-agent' });
    const publicKey = await device.enrollIdentity();
    const { token } = await newEnrollmentToken(db, Date.now());
    const enrolled = await fetch(`${origin}/api/devices/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, publicKey, enrollmentType: 'desktop-agent', platform: 'linux', name: 'Laptop' }),
    });
    expect(enrolled.status).toBe(201);
    device.deviceId = ((await enrolled.json()) as { deviceId: string }).deviceId;

    // Register: password + TOTP, then the registration ceremony.
    const first = new BrowserLikeClient();
    await signInAtPortal(first, origin, ada);
    const home = await first.follow(`${origin}/`);
    const headers = { 'x-csrf-token': metaCsrf(home.body) };
    const regOptions = await first.request(`${origin}/api/webauthn/registration/options`, { json: {}, headers });
    expect(regOptions.status).toBe(200);
    const { options } = (await regOptions.json()) as { options: CreationOptionsJSON };
    const registered = await first.request(`${origin}/api/webauthn/registration/verify`, {
      json: await device.register(origin, options),
      headers,
    });
    expect(registered.status, await registered.clone().text()).toBe(200);

    // Sign in with the device in a fresh browser.
    const browser = new BrowserLikeClient();
    const { csrf, options: reqOptions } = await signInOptions(browser);
    const verified = await browser.request(`${origin}/api/webauthn/authentication/verify`, {
      json: await device.signIn(origin, reqOptions),
      headers: { 'x-csrf-token': csrf },
    });
    expect(verified.status, await verified.clone().text()).toBe(200);

    // An SSO app's code flow on the device session. The request that answered with the code is
    // the last one through the proxy; the app redeems the code on the next instance.
    const { request, code } = await codeFor(browser);
    const log = landed(from);
    const issuedOn = log.at(-1)?.backend ?? -1;
    proxy.pin((issuedOn + 1) % INSTANCES);
    const tokens = await redeemCode(origin, app, code, request.verifier);
    // The ID token verifies with the keys the third instance publishes: one signing key for all.
    proxy.pin((issuedOn + 2) % INSTANCES);
    const jwks = (await (await fetch(`${origin}/oidc/jwks`)).json()) as JSONWebKeySet;
    proxy.pin(undefined);
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    const { payload } = await jwtVerify(tokens.body.id_token as string, createLocalJWKSet(jwks), {
      issuer: origin,
      audience: app.clientId,
    });
    expect(payload.sub).toBe(ada.user.id);
    expect(payload.amr).toEqual(expect.arrayContaining(['hwk']));

    // Where each step landed: every request on the next instance, so each pair below crossed.
    expect(log.every((r) => r.backend >= 0)).toBe(true);
    for (let i = 1; i < log.length; i++) expect(log[i]?.backend).toBe(((log[i - 1]?.backend ?? 0) + 1) % INSTANCES);
    const pairs: [string, string][] = [
      ['/api/webauthn/registration/options', '/api/webauthn/registration/verify'],
      ['/api/webauthn/authentication/options', '/api/webauthn/authentication/verify'],
    ];
    for (const [issued, used] of pairs) {
      expect(backendOf(from, 'POST', issued)).not.toBe(backendOf(from, 'POST', used));
    }
    expect(log.at(-1)?.path).toMatch(/^\/oidc\/auth\//);
    expect(proxy.log.at(-2)).toMatchObject({ path: '/oidc/token', backend: (issuedOn + 1) % INSTANCES });
    expect(new Set(log.map((r) => r.backend)).size).toBe(INSTANCES);
  });

  it('should accept a signed challenge once when it is raced on two instances, and refuse its replay on a third', async () => {
    const browser = new BrowserLikeClient();
    const { csrf, options } = await signInOptions(browser);
    const body = await device.signIn(origin, options);
    const send = (backend: number) =>
      browser.request(`${origin}/api/webauthn/authentication/verify`, {
        json: body,
        headers: { 'x-csrf-token': csrf, [BACKEND_HEADER]: String(backend) },
      });
    const preLogin = browser.cookie(`${origin}/`, 'kb_session');
    expect(preLogin).toBeTruthy();
    const before = await db.get<{ n: number }>("SELECT count(*)::int AS n FROM audit WHERE event = 'signin.success'");
    const [a, b] = await Promise.all([send(0), send(1)]);
    expect([a.status, b.status].filter((s) => s === 200)).toHaveLength(1);
    const loser = a.status === 200 ? b : a;
    expect(loser.status).toBeGreaterThanOrEqual(400);
    expect(loser.status).toBeLessThan(500);
    expect(((await loser.json()) as { error: { code: string } }).error.code).toMatch(/^ERR_/);

    // An attacker holding the pre-login cookie and the signed assertion replays it on the third.
    const attacker = new BrowserLikeClient();
    const replay = await attacker.request(`${origin}/api/webauthn/authentication/verify`, {
      json: body,
      headers: { 'x-csrf-token': csrf, [BACKEND_HEADER]: '2', cookie: `kb_session=${preLogin}` },
    });
    expect(replay.status).toBeGreaterThanOrEqual(400);
    expect(replay.status).toBeLessThan(500);
    const after = await db.get<{ n: number }>("SELECT count(*)::int AS n FROM audit WHERE event = 'signin.success'");
    expect((after?.n ?? 0) - (before?.n ?? 0)).toBe(1);
  });

  it('should redeem an OIDC code once across instances and revoke what it gave when it is reused', async () => {
    const browser = new BrowserLikeClient();
    // Bob, by password: Ada's TOTP code of this 30-second step was used by the first test.
    await signInAtPortal(browser, origin, bob);
    const { request, code } = await codeFor(browser);
    proxy.pin(0);
    const first = await redeemCode(origin, app, code, request.verifier);
    proxy.pin(1);
    const again = await redeemCode(origin, app, code, request.verifier);
    proxy.pin(2);
    const userinfo = await fetch(`${origin}/oidc/me`, {
      headers: { authorization: `Bearer ${first.body.access_token as string}` },
    });
    proxy.pin(undefined);
    expect(first.status).toBe(200);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    // RFC 6749 §4.1.2: a code used twice revokes the tokens issued for it — on every instance.
    expect(userinfo.status).toBe(401);

    // Two instances racing to redeem one fresh code: exactly one wins.
    const race = await codeFor(browser);
    const redeemOn = (backend: number) =>
      fetch(`${origin}/oidc/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
          [BACKEND_HEADER]: String(backend),
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: race.code,
          redirect_uri: REDIRECT_URI,
          code_verifier: race.request.verifier,
        }),
      });
    const results = await Promise.all([redeemOn(1), redeemOn(2)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
  });

  it('should lose nothing when the instances that issued a challenge and an interaction are killed mid-flow', async () => {
    const browser = new BrowserLikeClient();
    // The pre-login session and the challenge are made on instance 0 …
    proxy.pin(0);
    const { csrf, options } = await signInOptions(browser);
    proxy.pin(undefined);
    const body = await device.signIn(origin, options);
    // … which then crashes.
    await portals[0]?.kill();
    const verified = await browser.request(`${origin}/api/webauthn/authentication/verify`, {
      json: body,
      headers: { 'x-csrf-token': csrf },
    });
    expect(verified.status, await verified.clone().text()).toBe(200);

    // An SSO app's authorization request starts on instance 1 (its interaction is stored there) …
    const request = authorizationRequest(origin, app);
    proxy.pin(1);
    const atInteraction = await browser.follow(request.url, { stopAt: (t) => t.includes('/oidc/interaction/') });
    proxy.pin(undefined);
    expect(atInteraction.url).toContain('/oidc/interaction/');
    // … which crashes too; instance 2 finishes the interaction and issues the code.
    await portals[1]?.kill();
    const end = await browser.follow(atInteraction.url, { stopAt: toApp });
    const code = new URL(end.url).searchParams.get('code');
    expect(code, `stopped at ${end.url} (${end.status})`).toBeTruthy();
    const tokens = await redeemCode(origin, app, code as string, request.verifier);
    expect(tokens.status).toBe(200);

    // A restarted instance 0 (a new process) sees the same signed-in session.
    const restarted = await startInstance();
    portals[0] = restarted;
    proxy.setBackend(0, restarted.port);
    proxy.pin(0);
    const home = await browser.follow(`${origin}/`);
    proxy.pin(undefined);
    expect(home.url).toBe(`${origin}/`);
    expect(home.body).toContain(ada.email);
  });

  it('should answer 503 with a sentence while PostgreSQL is away, change nothing, and sign in again once it is back', async () => {
    const pids = portals.filter((_p, i) => i !== 1).map((p) => p.pid);
    const browser = new BrowserLikeClient();
    const { csrf, options } = await signInOptions(browser);
    const body = await device.signIn(origin, options);
    const sessionsBefore = await db.get<{ n: number }>('SELECT count(*)::int AS n FROM sessions');

    await db.close();
    dbOpen = false;
    await cluster.stop();
    const verify = await browser.request(`${origin}/api/webauthn/authentication/verify`, {
      json: body,
      headers: { 'x-csrf-token': csrf },
    });
    expect(verify.status).toBe(503);
    expect(await verify.json()).toEqual({
      error: {
        code: 'ERR_STORE_UNAVAILABLE',
        message: 'The portal cannot reach its database right now. Nothing was changed; try again in a moment.',
      },
    });
    const page = await browser.follow(`${origin}/signin`);
    expect(page.status).toBe(503);
    expect(page.body).toContain('cannot reach its database');
    const authorize = await browser.follow(authorizationRequest(origin, app).url, { stopAt: toApp });
    expect(authorize.status).toBe(503);
    expect(authorize.body).toContain('cannot reach its database');

    await cluster.start();
    db = await openDatabase(databaseUrl, { extraMigrations: oidcMigrations, atRestKey: Buffer.from(key, 'base64url') });
    dbOpen = true;
    // Nothing was half-done: the challenge is still unused, so the same signed answer now succeeds.
    const sessionsBetween = await db.get<{ n: number }>('SELECT count(*)::int AS n FROM sessions');
    expect(sessionsBetween?.n).toBe(sessionsBefore?.n);
    const retried = await browser.request(`${origin}/api/webauthn/authentication/verify`, {
      json: body,
      headers: { 'x-csrf-token': csrf },
    });
    expect(retried.status, await retried.clone().text()).toBe(200);
    // And a whole new sign-in works on every instance still running, with no restart.
    for (const [i] of portals.entries()) {
      if (i === 1) continue;
      const fresh = new BrowserLikeClient();
      proxy.pin(i);
      const next = await signInOptions(fresh);
      const ok = await fresh.request(`${origin}/api/webauthn/authentication/verify`, {
        json: await device.signIn(origin, next.options),
        headers: { 'x-csrf-token': next.csrf },
      });
      proxy.pin(undefined);
      expect(ok.status, await ok.clone().text()).toBe(200);
    }
    // The same processes as before the outage: nothing was restarted.
    for (const pid of pids) expect(() => process.kill(pid, 0)).not.toThrow();
  });
});
