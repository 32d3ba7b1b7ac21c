import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { type ExtensionBrowser, launchChromium, launchWithExtension } from '../../dev/browser.js';
import { ensureExtensionBuilt } from '../../dev/buildExtension.js';
import { listCredentials } from '../../portal/src/store/credentials.js';
import { findUsersByEmail } from '../../portal/src/store/users.js';
import { addVirtualCredential, type VirtualCredential } from './addVirtualCredential.js';
import { type SpawnedStack, spawnDemoStack } from './spawnDemoStack.js';
import { instrumentWorker } from './workerTimeline.js';

const PAGE_DIR = join(import.meta.dirname, 'page');
/** Generous, as the tests' limits are: it catches a hang, never times the code (a loaded 2-core CI machine). */
const STEP_TIMEOUT_MS = 90_000;

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
    const browser = await launchWithExtension({
      settings,
      daemonDataDir: stack.daemonDataDir,
      ...(extensionDir ? { extensionDir } : {}),
    });
    closers.push(() => browser.close());
    await instrumentWorker(browser.worker, settings);
    const oursPage = await browser.context.newPage();
    await oursPage.addInitScript({ path: join(PAGE_DIR, 'timeline.js') });
    const credentialId = await registerThroughOffer(oursPage, stack).catch(async (err: unknown) => {
      // Say where the page stood, so a failure on a CI machine can be read from its log.
      const text = await oursPage
        .locator('body')
        // biome-ignore lint/performance/useDomNodeTextContent: what the user sees; hidden sections left out
        .innerText({ timeout: 5_000 })
        .catch(() => '(page text unavailable)');
      throw new Error(
        `registering the extension's device stopped at ${oursPage.url()} showing "${text.replace(/\s+/g, ' ').slice(0, 400)}": ${(err as Error).message}\nThe extension's log:\n${browser.extensionLog().join('\n') || '(empty)'}`,
      );
    });

    progress('browser: launching Chromium without it, adding the virtual authenticator');
    // The same flags as the extension's browser: the two differ only in the extension.
    const plain = await launchChromium();
    closers.push(() => plain.close());
    const context = plain.context;
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
  const [user] = await findUsersByEmail(stack.db, stack.email);
  const stored = user ? await listCredentials(stack.db, { userId: user.id }) : [];
  if (stored.length !== 1 || !stored[0]) {
    throw new Error('registering the extension device did not store a credential at the portal');
  }
  await page.locator('#sign-out').click();
  await page.waitForURL((url) => url.pathname === '/signin', { timeout });
  return stored[0].id;
}
