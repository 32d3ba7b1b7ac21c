/**
 * The whole demo in one process, on 127.0.0.1: the portal (seeded demo organisation with MFA
 * required and Device Trust on, the demo user with a TOTP secret, a normal and a protected demo
 * SSO app, both assigned), the two demo apps, and the daemon with an emulated device enrolled in
 * the portal's inventory and Protect ready. The daemon allow-lists the extension's pinned id with
 * pairing pre-authorised (what IT policy would do; fine here because everything is local).
 * `keyStore: 'tpm'` keeps the daemon's keys in a private swtpm instead of sealed files: the portal
 * trusts swtpm-localca (`--tpm-roots`), the device enrolls with TPM attestation, and the
 * organisation's `hardware-keys` policy is `required`, so Device Trust rests on the TPM.
 * Used by `npm start`, `npm run demo` and the browser end-to-end tests.
 *
 *   const stack = await startDemoStack({ portalPort: 0, daemonPort: 0, uv: 'protect' });
 *   …  stack.user.totpCode()  …  await stack.close();
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTENSION_ID } from '../extension/src/extensionId.js';
import { seedDemo } from '../portal/src/admin/seedDemo.js';
import type { PortalDb } from '../portal/src/db/openDatabase.js';
import type { ReceivedNotice } from '../portal/src/demoApp/demoReceiver.js';
import { ensureDemoApp } from '../portal/src/demoApp/ensureDemoApp.js';
import { startDemoApp } from '../portal/src/demoApp/startDemoApp.js';
import { totpCode } from '../portal/src/security/totp.js';
import { startPortal } from '../portal/src/startPortal.js';
import { setHardwareKeysPolicy } from '../portal/src/store/keyProtection.js';
import { createLogger, type Logger } from '../shared/node/createLogger.js';
import { prepareDemoDevice } from './prepareDemoDevice.js';
import { startDemoTpm } from './startDemoTpm.js';
import { startDevDaemon } from './startDevDaemon.js';

export const DEMO_APP_NAME = 'Demo App';
export const PROTECTED_APP_NAME = 'Protected Demo App';

export interface StartDemoStackOptions {
  /** Portal database and daemon data live here; a temporary folder (removed by close) when absent. */
  dataRoot?: string;
  /** 0 picks a free port (the default). */
  portalPort?: number;
  /** 0 picks a free port (the default). */
  daemonPort?: number;
  /** `protect`: the user approves in the Protect window; `auto`: approved without asking (tests only). */
  uv: 'protect' | 'auto';
  /** Pairing without a Protect prompt, as IT policy would set it (the default); false: the user approves it. */
  preauthorizePairing?: boolean;
  logger?: Logger;
  /** The portal serves a packed extension from this folder under /extension/ (keybound extension pack). */
  extensionDir?: string;
  /** `tpm`: the daemon's keys in a private swtpm, attested to the portal (default `file`). */
  keyStore?: 'file' | 'tpm';
}

export interface DemoAppHandle {
  name: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Opening it starts the app's OpenID Connect sign-in at the portal. */
  startUrl: string;
  /** Revocation notices the app received and verified (back-channel logout, CAEP SETs). */
  received(): readonly ReceivedNotice[];
  close(): Promise<void>;
}

export interface DemoStack {
  portal: { origin: string; port: number; db: PortalDb; close(): Promise<void> };
  daemon: { port: number; url: string; dataDir: string; close(): Promise<void> };
  /** The protected SSO app (only trusted devices may open it). */
  demoApp: DemoAppHandle;
  /** The normal SSO app. */
  normalApp: DemoAppHandle;
  appName: string;
  protectedAppName: string;
  user: { email: string; password: string; organisation: string; totpSecret: string; totpCode(): string };
  device: { deviceId: string; enrolledNow: boolean; totpAccountId: string };
  /** The daemon's key store, and with `tpm` the swtpm's address. */
  keyStore: { kind: 'file' } | { kind: 'tpm'; address: string };
  extensionId: string;
  dataRoot: string;
  /** Stops the daemon, the demo apps and the portal (and removes a temporary data root). */
  close(): Promise<void>;
}

export async function startDemoStack(options: StartDemoStackOptions): Promise<DemoStack> {
  const logger = options.logger ?? createLogger('demo', { level: process.env.KEYBOUND_LOG_LEVEL ?? 'warn' });
  const temporary = options.dataRoot === undefined;
  const dataRoot = options.dataRoot ?? (await mkdtemp(join(tmpdir(), 'keybound-demo-')));
  await mkdir(dataRoot, { recursive: true, mode: 0o700 });
  // Stopped in reverse order of starting, whatever happened.
  const stops: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () => {
    stopping ??= (async () => {
      for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
      if (temporary) await rm(dataRoot, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    const tpm = options.keyStore === 'tpm' ? await startDemoTpm(dataRoot) : undefined;
    if (tpm) stops.push(() => tpm.stop());
    const portal = await startPortal({
      ...(options.extensionDir ? { extensionDir: options.extensionDir } : {}),
      ...(tpm ? { tpmRoots: tpm.rootsFile } : {}),
      port: options.portalPort ?? 0,
      database: join(dataRoot, 'portal.db'),
      logger: logger.child({ component: 'portal' }),
    });
    stops.push(() => portal.close());
    const seed = await seedDemo(portal.db);
    if (tpm) await setHardwareKeysPolicy(portal.db, seed.orgId, 'required');
    const daemonKeys = tpm ? { keyStore: 'tpm' as const, tpm: tpm.address } : {};

    const startApp = async (name: string, isProtected: boolean): Promise<DemoAppHandle> => {
      const app = await startDemoApp({
        port: 0,
        issuer: portal.origin,
        logger: logger.child({ component: 'demo-app' }),
      });
      stops.push(() => app.close());
      await ensureDemoApp(portal.db, app, { orgId: seed.orgId, name, protected: isProtected, assignTo: [seed.email] });
      return {
        name,
        origin: app.origin,
        startUrl: `${app.origin}/login`,
        received: () => app.received(),
        close: () => app.close(),
      };
    };
    const normalApp = await startApp(DEMO_APP_NAME, false);
    const demoApp = await startApp(PROTECTED_APP_NAME, true);

    const dataDir = join(dataRoot, 'daemon');
    const device = await prepareDemoDevice({
      dataDir,
      portalOrigin: portal.origin,
      db: portal.db,
      organisation: seed.organisation,
      otpauthUri: seed.otpauthUri,
      logger: logger.child({ component: 'daemon' }),
      ...daemonKeys,
    });
    const daemon = await startDevDaemon({
      port: options.daemonPort ?? 0,
      dataDir,
      device: 'emulator',
      uv: options.uv,
      allowExtensions: [EXTENSION_ID],
      preauthorizePairing: options.preauthorizePairing ?? true,
      logger: logger.child({ component: 'daemon' }),
      ...daemonKeys,
    });
    stops.push(() => daemon.close());

    return {
      portal: { origin: portal.origin, port: portal.port, db: portal.db, close: () => portal.close() },
      daemon: { port: daemon.port, url: daemon.url, dataDir, close: () => daemon.close() },
      demoApp,
      normalApp,
      appName: DEMO_APP_NAME,
      protectedAppName: PROTECTED_APP_NAME,
      user: {
        email: seed.email,
        password: seed.password,
        organisation: seed.organisation,
        totpSecret: seed.totpSecret,
        totpCode: () => totpCode(seed.totpSecret, Date.now()),
      },
      device,
      keyStore: tpm ? { kind: 'tpm', address: tpm.address } : { kind: 'file' },
      extensionId: EXTENSION_ID,
      dataRoot,
      close: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
