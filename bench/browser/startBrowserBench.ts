/**
 * Everything the browser benchmark needs, set up once and unmeasured:
 *   - the demo stack in-process (scripts/lib/startDemoStack.ts): the portal, and the daemon with
 *     an emulated enrolled device, `--uv auto` (Protect approves without asking) and pairing
 *     pre-authorised for the extension's pinned id;
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
import { type DemoStack, startDemoStack } from '../../scripts/lib/startDemoStack.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { CHROMIUM_PATH, type ExtensionBrowser, launchWithExtension } from '../../test/helpers/browser.js';
import { ensureExtensionBuilt } from '../../test/setup/buildExtension.js';
import { addVirtualCredential, type VirtualCredential } from './addVirtualCredential.js';

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
  stack: DemoStack;
  /** `credentialId`: the extension device's credential at the portal. */
  ours: { browser: ExtensionBrowser; page: Page; credentialId: string };
  builtIn: { context: BrowserContext; page: Page; credential: VirtualCredential };
  close(): Promise<void>;
}

export async function startBrowserBench(progress: (m: string) => void): Promise<BrowserBench> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => {});
  };
  try {
    progress('browser: building the extension (if stale)');
    await ensureExtensionBuilt();
    const stack = await startDemoStack({ uv: 'auto', logger: silentLogger() });
    closers.push(() => stack.close());
    const origin = stack.portal.origin;

    progress('browser: launching Chromium with the extension, registering its device');
    const browser = await launchWithExtension({ settings: { portalOrigins: [origin], daemonPort: stack.daemon.port } });
    closers.push(() => browser.close());
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
      db: stack.portal.db,
      rpId: 'localhost',
      email: stack.user.email,
      deviceId: stack.device.deviceId,
    });

    return {
      stack,
      ours: { browser, page: oursPage, credentialId },
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
async function registerThroughOffer(page: Page, stack: DemoStack): Promise<string> {
  const origin = stack.portal.origin;
  const timeout = STEP_TIMEOUT_MS;
  await page.goto(`${origin}/signin?restart=1`);
  await page.locator('#email').fill(stack.user.email);
  await page.locator('#continue').click();
  await page.locator('#passwordless-offer').waitFor({ state: 'visible', timeout });
  await page.locator('#offer-continue').click();
  await page.waitForURL((url) => url.pathname === '/signin/password', { timeout });
  await page.locator('#password').fill(stack.user.password);
  await page.locator('#log-in').click();
  await page.waitForURL(`${origin}/signin/mfa`, { timeout });
  await page.locator('#code').fill(stack.user.totpCode());
  await page.locator('#verify').click();
  await page.waitForURL(`${origin}/`, { timeout });
  const [user] = findUsersByEmail(stack.portal.db, stack.user.email);
  const stored = user ? listCredentials(stack.portal.db, { userId: user.id }) : [];
  if (stored.length !== 1 || !stored[0]) {
    throw new Error('registering the extension device did not store a credential at the portal');
  }
  await page.locator('#sign-out').click();
  await page.waitForURL((url) => url.pathname === '/signin', { timeout });
  return stored[0].id;
}
