/**
 * Everything the browser benchmark needs, set up once and unmeasured:
 *   - the demo stack (scripts/lib/startDemoStack.ts) in a child process (spawnDemoStack.ts): the
 *     portal, and the daemon with an emulated enrolled device, `--uv auto` (Protect approves
 *     without asking) and pairing pre-authorised for the extension's pinned id;
 *   - "ours": headless Chromium with the built extension, configured with the portal and the
 *     daemon's port, whose device is registered for the demo user the way a user does it
 *     (email → passwordless offer → password → code → registration on the finish page);
 *   - "built-in": the same Chromium, same flags, without the extension, whose one tab has a
 *     DevTools virtual authenticator holding a credential the portal knows for the same user
 *     (addVirtualCredential.ts), and the built-in sign-in script (page/builtInSignIn.js).
 * Both tabs carry the page timeline (page/timeline.js).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { listCredentials } from '../../portal/src/store/credentials.js';
import { findUsersByEmail } from '../../portal/src/store/users.js';
import { CHROMIUM_PATH, type ExtensionBrowser, launchWithExtension } from '../../test/helpers/browser.js';
import { ensureExtensionBuilt } from '../../test/setup/buildExtension.js';
import { addVirtualCredential, type VirtualCredential } from './addVirtualCredential.js';
import { type SpawnedStack, spawnDemoStack } from './spawnDemoStack.js';
import { instrumentWorker } from './workerTimeline.js';

const PAGE_DIR = join(import.meta.dirname, 'page');
const STEP_TIMEOUT_MS = 30_000;

/** The flags launchWithExtension uses, minus the extension: the two browsers differ only in it. */
const COMMON_ARGS = [
  '--no-sandbox', // running as root in CI containers
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserBench {
  stack: SpawnedStack;
  /** `credentialId`: the extension device's credential at the portal. */
  ours: {
    browser: ExtensionBrowser;
    page: Page;
    credentialId: string;
    settings: { portalOrigins: string[]; daemonPort: number };
  };
  builtIn: { context: BrowserContext; page: Page; credential: VirtualCredential };
  close(): Promise<void>;
}

export async function startBrowserBench(progress: (m: string) => void): Promise<BrowserBench> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => {});
  };
  try {
    // KEYBOUND_BENCH_EXTENSION_DIR: measure another build of the extension (e.g. a changed copy).
    const extensionDir = process.env.KEYBOUND_BENCH_EXTENSION_DIR;
    if (extensionDir) progress(`browser: using the extension in ${extensionDir}`);
    else progress('browser: building the extension (if stale)');
    await ensureExtensionBuilt();
    const stack = await spawnDemoStack();
    closers.push(() => stack.close());
    const origin = stack.portalOrigin;

    progress('browser: launching Chromium with the extension, registering its device');
    const settings = { portalOrigins: [origin], daemonPort: stack.daemonPort };
    const browser = await launchWithExtension({ settings, ...(extensionDir ? { extensionDir } : {}) });
    closers.push(() => browser.close());
    await instrumentWorker(browser.worker, settings);
    const oursPage = await browser.context.newPage();
    await oursPage.addInitScript({ path: join(PAGE_DIR, 'timeline.js') });
    const credentialId = await registerThroughOffer(oursPage, stack);

    progress('browser: launching Chromium without it, adding the virtual authenticator');
    const profileDir = await mkdtemp(join(tmpdir(), 'keybound-chromium-builtin-'));
    closers.push(() => rm(profileDir, { recursive: true, force: true }));
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: COMMON_ARGS,
    });
    closers.push(() => context.close());
    const builtInPage = await context.newPage();
    await builtInPage.addInitScript({ path: join(PAGE_DIR, 'timeline.js') });
    await builtInPage.addInitScript({ path: join(PAGE_DIR, 'builtInSignIn.js') });
    await builtInPage.goto(`${origin}/signin`);
    const credential = await addVirtualCredential({
      page: builtInPage,
      db: stack.db,
      rpId: 'localhost',
      email: stack.email,
      deviceId: stack.deviceId,
    });

    return {
      stack,
      ours: { browser, page: oursPage, credentialId, settings },
      builtIn: { context, page: builtInPage, credential },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Registers the extension's device for the demo user as the walkthrough does: the passwordless
 * offer, password, TOTP code, then signin.js registers on the finish page (auto-approved) and
 * goes home. Signs out afterwards. Returns the credential's id at the portal.
 */
async function registerThroughOffer(page: Page, stack: SpawnedStack): Promise<string> {
  const origin = stack.portalOrigin;
  const timeout = STEP_TIMEOUT_MS;
  await page.goto(`${origin}/signin?restart=1`);
  await page.locator('#email').fill(stack.email);
  await page.locator('#continue').click();
  await page.locator('#passwordless-offer').waitFor({ state: 'visible', timeout });
  await page.locator('#offer-continue').click();
  await page.waitForURL((url) => url.pathname === '/signin/password', { timeout });
  await page.locator('#password').fill(stack.password);
  await page.locator('#log-in').click();
  await page.waitForURL(`${origin}/signin/mfa`, { timeout });
  await page.locator('#code').fill(stack.totpCode());
  await page.locator('#verify').click();
  await page.waitForURL(`${origin}/`, { timeout });
  const [user] = findUsersByEmail(stack.db, stack.email);
  const stored = user ? listCredentials(stack.db, { userId: user.id }) : [];
  if (stored.length !== 1 || !stored[0]) {
    throw new Error('registering the extension device did not store a credential at the portal');
  }
  await page.locator('#sign-out').click();
  await page.waitForURL((url) => url.pathname === '/signin', { timeout });
  return stored[0].id;
}
