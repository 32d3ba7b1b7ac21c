/**
 * The fault suite's world: a portal child process (FaultyPortal) on a real SQLite file with a user
 * and an SSO app, and a real daemon's device side enrolled in the portal's inventory: by default
 * in this process (the daemon's own state: its credential store, sealed keys and authenticator,
 * with an approving Protect), or, with `device: 'daemon-process'`, the daemon as a process reached
 * over its WebSocket (DaemonDevice), which the daemon's fault series kills. `check()` is what must hold after every fault: the database is whole, the
 * device and the portal agree on the user's credential (or the device holds an orphan that the
 * healing path replaces), and the next sign-in works — and ends with the device.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { eligibleDeviceProfile } from '../../../daemon/src/device/deviceProfile.js';
import { type DaemonState, openDaemonState } from '../../../daemon/src/openDaemonState.js';
import type { UserVerifier } from '../../../daemon/src/protect/UserVerifier.js';
import { freePort } from '../../../dev/freePort.js';
import { TEST_MACHINE } from '../../../dev/openTestDaemonState.js';
import { credentialDelete, newEnrollmentToken, setOrgMfa } from '../../../portal/src/admin/adminActions.js';
import { addApp } from '../../../portal/src/apps/addApp.js';
import { assignApp } from '../../../portal/src/apps/assignApp.js';
import { openDatabase, type PortalDb } from '../../../portal/src/db/openDatabase.js';
import { oidcMigrations } from '../../../portal/src/oidc/oidcMigrations.js';
import { hashPassword } from '../../../portal/src/security/passwordHash.js';
import { defaultOrganisation } from '../../../portal/src/store/organisations.js';
import { insertUser } from '../../../portal/src/store/users.js';
import { silentLogger } from '../../../shared/node/createLogger.js';
import type { FollowResult } from '../../oidc/helpers/BrowserLikeClient.js';
import { authorizationRequest, type ManualClient, redeemCode } from '../../oidc/helpers/manualRelyingParty.js';
import { DaemonDevice } from './DaemonDevice.js';
import { FaultyPortal } from './faultyPortal.js';
import { PortalTab, type SignInOutcome, type TabDevice } from './PortalTab.js';

export const EMAIL = 'ada@acme.test';
const PASSWORD = 'fault suite: correct horse battery staple';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const toApp = (target: string) => target.startsWith(REDIRECT_URI);

/** Protect that approves every request (the fault suite is about crashes, not about the user). */
const approve: UserVerifier = { verify: async () => ({ complete: () => undefined }) };

/** What the two sides hold for the user: agree, an orphan on the device, or one the device lost. */
export type Agreement = 'agree' | 'orphan' | 'lost';

export interface CheckResult {
  survived: boolean;
  note: string;
  healed: boolean;
}

export class FaultStack {
  portal!: FaultyPortal;
  device!: TabDevice;
  app!: ManualClient;
  /** The daemon process, with `device: 'daemon-process'`. */
  daemon: DaemonDevice | undefined;
  private state: DaemonState | undefined;
  private userId = '';
  private readonly key = Buffer.alloc(32, 7).toString('base64url');

  private constructor(
    readonly root: string,
    readonly port: number,
  ) {}

  get origin(): string {
    return `http://localhost:${this.port}`;
  }

  get database(): string {
    return join(this.root, 'portal', 'portal.sqlite');
  }

  static async start(options: { device?: 'in-process' | 'daemon-process' } = {}): Promise<FaultStack> {
    const stack = new FaultStack(await mkdtemp(join(tmpdir(), 'kb-portal-fault-')), await freePort());
    await stack.withDb(async (db) => {
      const now = Date.now();
      const org = await defaultOrganisation(db, now);
      // No MFA: a TOTP code is single-use per 30-second step, and the suite signs in by password
      // many times a minute. MFA's own faults are the password path's (same store steps).
      await setOrgMfa(db, now, false);
      const user = await insertUser(db, {
        orgId: org.id,
        email: EMAIL,
        passwordHash: await hashPassword(PASSWORD),
        now,
      });
      stack.userId = user.id;
      const added = await addApp(db, { orgId: org.id, name: 'Wiki', redirectUris: [REDIRECT_URI] });
      await assignApp(db, { orgId: org.id, appName: 'Wiki', email: EMAIL });
      stack.app = {
        clientId: added.app.clientId,
        clientSecret: added.clientSecret as string,
        redirectUri: REDIRECT_URI,
      };
    });
    await stack.restart();
    const inProcess = options.device !== 'daemon-process';
    const dataDir = join(stack.root, 'daemon');
    const state = await openDaemonState({
      dataDir,
      device: 'emulator',
      logger: silentLogger(),
      // A daemon process seals its keys to this machine's identity: prepare its data dir with it.
      ...(inProcess ? { machineIdentity: TEST_MACHINE } : {}),
    });
    await state.profile.update(() => eligibleDeviceProfile());
    const { token } = await stack.withDb((db) => newEnrollmentToken(db, Date.now()));
    await state.device.enroll({ type: 'desktop-agent', portal: stack.origin, token, name: 'Fault suite device' });
    if (inProcess) {
      stack.state = state;
      stack.device = state.createAuthenticator(approve);
    } else {
      await state.close();
      stack.daemon = await DaemonDevice.start(dataDir);
      stack.device = stack.daemon;
    }
    return stack;
  }

  /** `start`, then the device registers once, as a user would from the passwordless offer. */
  static async startRegistered(options: { device?: 'in-process' | 'daemon-process' } = {}): Promise<FaultStack> {
    const stack = await FaultStack.start(options);
    try {
      const first = await stack.tab().signIn();
      if (first.outcome !== 'registered') throw new Error(`the first sign-in ended ${first.outcome}, not registered`);
      const agreement = await stack.agreement();
      if (agreement !== 'agree') throw new Error(`after the first registration the sides ${agreement}`);
      return stack;
    } catch (err) {
      await stack.close();
      throw err;
    }
  }

  /** A fresh portal process on the same file and port (the previous one is gone or is stopped first). */
  async restart(how: 'kill' | 'stop' = 'kill'): Promise<void> {
    if (this.portal?.alive) await (how === 'kill' ? this.portal.kill() : this.portal.stop());
    this.portal = await FaultyPortal.start({
      port: this.port,
      database: this.database,
      issuer: this.origin,
      env: { KEYBOUND_PORTAL_KEY: this.key },
    });
  }

  async close(): Promise<void> {
    await this.portal?.kill().catch(() => undefined);
    await this.state?.close().catch(() => undefined);
    await this.daemon?.close().catch(() => undefined);
    await rm(this.root, { recursive: true, force: true });
  }

  /** A short-lived store handle beside the running portal (the admin CLI's way in). */
  async withDb<T>(fn: (db: PortalDb) => Promise<T>): Promise<T> {
    const db = await openDatabase(this.database, {
      extraMigrations: oidcMigrations,
      atRestKey: Buffer.from(this.key, 'base64url'),
    });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  tab(): PortalTab {
    return new PortalTab(this.origin, this.device, { email: EMAIL, password: PASSWORD });
  }

  /** The admin deletes the user's credentials at the portal: the device's one becomes an orphan. */
  async adminDeletesCredentials(): Promise<void> {
    await this.withDb(async (db) => {
      for (const id of await this.portalCredentialIds()) await credentialDelete(db, Date.now(), id);
    });
  }

  async portalCredentialIds(): Promise<string[]> {
    const raw = new Database(this.database, { readonly: true, fileMustExist: true });
    try {
      return raw
        .prepare<[string], { id: string }>('SELECT id FROM credentials WHERE user_id = ?')
        .all(this.userId)
        .map((r) => r.id);
    } finally {
      raw.close();
    }
  }

  deviceCredentialIds(): string[] {
    if (this.daemon) return this.daemon.credentialIds('localhost', EMAIL);
    if (!this.state) throw new Error('the fault stack has no device');
    return this.state.credentials.listByUser('localhost', EMAIL).map((c) => c.credentialId);
  }

  async agreement(): Promise<Agreement> {
    const portal = await this.portalCredentialIds();
    const device = new Set(this.deviceCredentialIds());
    if (portal.some((id) => !device.has(id))) return 'lost';
    return device.size > portal.length ? 'orphan' : 'agree';
  }

  /** The database file is whole: SQLite's integrity and foreign-key checks. */
  integrity(): string {
    const raw = new Database(this.database, { fileMustExist: true });
    try {
      const ok = raw.pragma('integrity_check', { simple: true });
      const fk = raw.pragma('foreign_key_check') as unknown[];
      return ok === 'ok' && fk.length === 0 ? 'ok' : `integrity ${String(ok)}, ${fk.length} foreign-key violation(s)`;
    } finally {
      raw.close();
    }
  }

  /** A sign-in as signin.js runs it; when that had to heal or register, a second one must use the device alone. */
  async signInWorks(): Promise<{ outcome: SignInOutcome }> {
    const first = await this.tab().signIn();
    if (first.outcome === 'device') return first;
    const tab = this.tab();
    const second = await tab.signIn();
    if (second.outcome !== 'device') throw new Error(`after ${first.outcome}, the sign-in was ${second.outcome}`);
    if ((await tab.session()).method !== 'device')
      throw new Error('the session after device sign-in is not a device session');
    return first;
  }

  /** An SSO app's code flow with device sign-in, from the authorization request to the tokens. */
  async oidcFlow(tab = this.tab()): Promise<void> {
    const started = await this.oidcStart(tab);
    const code = await this.oidcSignIn(tab, started);
    await this.oidcRedeem(started, code);
  }

  /** The app sends the browser to the portal: its interaction is stored, the sign-in page shown. */
  async oidcStart(
    tab: PortalTab,
  ): Promise<{ request: ReturnType<typeof authorizationRequest>; atSignIn: FollowResult }> {
    const request = authorizationRequest(this.origin, this.app);
    const atSignIn = await tab.client.follow(request.url, { stopAt: toApp });
    return { request, atSignIn };
  }

  /** Device sign-in on that page, then on through the interaction to the app's redirect with a code. */
  async oidcSignIn(tab: PortalTab, started: { atSignIn: FollowResult }): Promise<string> {
    const { next } = await tab.signIn(started.atSignIn);
    const end = await tab.client.follow(new URL(next, this.origin).href, { stopAt: toApp });
    const code = new URL(end.url).searchParams.get('code');
    if (!code) throw new Error(`no code: stopped at ${end.url} (${end.status}) ${end.body.slice(0, 200)}`);
    return code;
  }

  /** The app redeems the code at the token endpoint. */
  async oidcRedeem(started: { request: ReturnType<typeof authorizationRequest> }, code: string): Promise<void> {
    const tokens = await redeemCode(this.origin, this.app, code, started.request.verifier);
    if (tokens.status !== 200 || typeof tokens.body.id_token !== 'string') {
      throw new Error(`token endpoint answered ${tokens.status}: ${JSON.stringify(tokens.body).slice(0, 200)}`);
    }
  }

  /**
   * What must hold after a fault: the file is whole, nothing the portal has is lost on the device,
   * and the next sign-in works (healing an orphan by re-registration when there is one), and, with
   * `oidc`, the next SSO code flow too. Never throws: the result says what broke.
   */
  async check(options: { oidc?: boolean } = {}): Promise<CheckResult> {
    try {
      const integrity = this.integrity();
      if (integrity !== 'ok') return { survived: false, note: integrity, healed: false };
      const before = await this.agreement();
      if (before === 'lost')
        return { survived: false, note: 'the portal has a credential the device lost', healed: false };
      const { outcome } = await this.signInWorks();
      if (options.oidc) await this.oidcFlow();
      const after = await this.agreement();
      if (after !== 'agree')
        return { survived: false, note: `after the next sign-in the sides ${after}`, healed: false };
      const healed = before === 'orphan' || outcome !== 'device';
      return { survived: true, note: healed ? `healed (${before}, ${outcome})` : 'ok', healed };
    } catch (err) {
      return { survived: false, note: `next sign-in failed: ${(err as Error).message.slice(0, 300)}`, healed: false };
    }
  }
}
