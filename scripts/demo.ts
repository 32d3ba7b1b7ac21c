/**
 * `npm run demo`: the user documentation's walkthrough (SEED.txt), scripted in headless Chromium
 * with the real extension, daemon and portal: registration (Email → Continue → passwordless
 * offer → Password → Log in → Verification code → Verify → Protect → Approve → "Configured."),
 * sign-out, device sign-in without a password, and a protected SSO app over OpenID Connect.
 * Protect runs as users meet it: each request is approved by clicking in the Protect window.
 * Prints each step with its time, saves screenshots to .keybound-dev/demo/ (git-ignored; pass
 * `--screenshots docs/demo` to refresh the README's pictures), exits non-zero on failure.
 * Every run starts from a fresh temporary data root, so it is repeatable. `--key-store tpm` keeps
 * the daemon's keys in a private swtpm (attested to the portal, `hardware-keys required`), and the
 * home page's session line must then say the key is in a TPM.
 *
 *   npm run demo [-- --no-screenshots] [-- --screenshots DIR] [-- --key-store tpm|file]
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { type ExtensionBrowser, launchWithExtension, waitForProtectWindow } from '../dev/browser.js';
import { ensureExtensionBuilt, REPO_ROOT } from '../dev/buildExtension.js';
import { type DemoStack, startDemoStack } from '../dev/startDemoStack.js';
import { createStepRunner } from './lib/runSteps.js';

const VIEWPORT = { width: 900, height: 620 };
const TIMEOUT_MS = 20_000;

function screenshotDir(argv: string[]): string | undefined {
  if (argv.includes('--no-screenshots')) return undefined;
  const i = argv.indexOf('--screenshots');
  return i >= 0 && argv[i + 1] ? argv[i + 1] : join(REPO_ROOT, '.keybound-dev/demo');
}

/** Waits for the Protect window, sizes it, and returns it with its request shown. */
async function protectWindow(context: BrowserContext): Promise<Page> {
  const protect = await waitForProtectWindow(context, TIMEOUT_MS);
  await protect.setViewportSize({ width: 640, height: 520 });
  await protect.getByRole('button', { name: 'Approve' }).waitFor({ timeout: TIMEOUT_MS });
  return protect;
}

/** Clicks Approve and waits for Protect's confirmation (before the extension closes the window). */
async function approve(protect: Page, confirmation: string): Promise<Page> {
  await protect.getByRole('button', { name: 'Approve' }).click();
  await protect.getByText(confirmation).first().waitFor({ timeout: TIMEOUT_MS });
  return protect;
}

function keyStoreOf(argv: string[]): 'file' | 'tpm' {
  const i = argv.indexOf('--key-store');
  if (i < 0) return 'file';
  const value = argv[i + 1];
  if (value !== 'file' && value !== 'tpm') throw new Error(`--key-store "${value ?? ''}", expected tpm or file`);
  return value;
}

async function main(): Promise<void> {
  const dir = screenshotDir(process.argv.slice(2));
  const keyStore = keyStoreOf(process.argv.slice(2));
  const total = performance.now();
  let stack: DemoStack | undefined;
  let browser: ExtensionBrowser | undefined;
  let tab: Page | undefined;
  const run = await createStepRunner({ ...(dir ? { screenshotDir: dir } : {}) });
  try {
    await run.step('Build the extension (if stale)', async () => {
      await ensureExtensionBuilt();
    });
    await run.step(
      `Start portal, demo apps and daemon (enrolled device${keyStore === 'tpm' ? ', keys in swtpm' : ''})`,
      async () => {
        stack = await startDemoStack({ uv: 'protect', keyStore });
      },
    );
    const s = stack as DemoStack;
    console.log(`    portal ${s.portal.origin} · daemon ${s.daemon.url} · user ${s.user.email}`);
    if (s.keyStore.kind === 'tpm') console.log(`    TPM ${s.keyStore.address} · hardware keys required`);
    await run.step('Launch headless Chromium with the extension', async () => {
      browser = await launchWithExtension({
        settings: { portalOrigins: [s.portal.origin], daemonPort: s.daemon.port },
        daemonDataDir: s.daemon.dataDir,
      });
    });
    const context = (browser as ExtensionBrowser).context;
    const page = context.pages()[0] ?? (await context.newPage());
    tab = page;
    await page.setViewportSize(VIEWPORT);
    page.setDefaultTimeout(TIMEOUT_MS);

    await run.step(
      'Open the User Portal: User Login, Email',
      async () => {
        await page.goto(`${s.portal.origin}/`);
        await page.locator('#email').fill(s.user.email);
        return page;
      },
      'user-login',
    );
    await run.step(
      'Continue → the Passwordless Login offer appears',
      async () => {
        await page.locator('#continue').click();
        await page.locator('#passwordless-offer').waitFor({ state: 'visible' });
        return page;
      },
      'passwordless-offer',
    );
    await run.step(
      'Continue → Password',
      async () => {
        await page.locator('#offer-continue').click();
        await page.locator('#password').fill(s.user.password);
        return page;
      },
      'password',
    );
    await run.step(
      'Log in → Verification code (MFA, TOTP)',
      async () => {
        await page.locator('#log-in').click();
        await page.locator('#code').fill(s.user.totpCode());
        return page;
      },
      'verification-code',
    );
    let protect: Page | undefined;
    await run.step(
      'Verify → Protect asks to set up device sign-in',
      async () => {
        await page.locator('#verify').click();
        protect = await protectWindow(context);
        return protect;
      },
      'protect-set-up',
    );
    await run.step(
      'Approve in Protect → "Configured."',
      () => approve(protect as Page, 'Configured. You can return to the previous app.'),
      'protect-configured',
    );
    await run.step(
      'Protect closes itself → back in the portal, signed in',
      async () => {
        // The extension closes Protect's window by itself after showing the confirmation.
        if (protect && !protect.isClosed()) await protect.waitForEvent('close', { timeout: TIMEOUT_MS });
        await page.bringToFront();
        await page.locator('#trust').waitFor();
        return page;
      },
      'signed-in',
    );
    await run.step('Sign out', async () => {
      await page.locator('#sign-out').click();
      await page.locator('#email').waitFor();
    });
    await run.step(
      'Email → Continue → Protect asks to sign in (no password)',
      async () => {
        await page.locator('#email').fill(s.user.email);
        await page.locator('#continue').click();
        protect = await protectWindow(context);
        return protect;
      },
      'protect-sign-in',
    );
    await run.step(
      'Approve in Protect → signed in with device sign-in',
      async () => {
        await approve(protect as Page, 'You can return to the previous app.');
        await page.bringToFront();
        await page.locator('#trust[data-trusted="true"]').waitFor();
        // Device Trust's session line says where the key lives.
        const line = page.locator('#key-protection');
        const where = await line.getAttribute('data-key-protection');
        const expected = keyStore === 'tpm' ? 'tpm' : 'software';
        if (where !== expected) throw new Error(`the session line shows key protection ${where}, expected ${expected}`);
        console.log(`    session line: ${await line.textContent()}`);
        return page;
      },
      'signed-in-trusted',
    );
    await run.step(
      `Open "${s.protectedAppName}" → OIDC → the app shows the user`,
      async () => {
        await page.locator(`a[data-app="${s.protectedAppName}"]`).click();
        await page.waitForURL(`${s.demoApp.origin}/`);
        const trusted = await page.locator('#device-trusted').textContent();
        const amr = await page.locator('#amr').textContent();
        const email = await page.locator('#user-email').textContent();
        if (trusted !== 'yes' || email !== s.user.email) {
          throw new Error(`the app shows email=${email} amr=${amr} trusted=${trusted}`);
        }
        console.log(`    demo app: email ${email} · amr ${amr} · device trusted ${trusted}`);
        return page;
      },
      'protected-app',
    );
  } catch (err) {
    // Show where it broke: the portal tab as it was, and its text.
    if (tab) {
      const shot = join(dir ?? '/tmp', 'failure.png');
      await tab.screenshot({ path: shot }).catch(() => {});
      // A string, not a function: tsx would wrap a function in a helper the page does not have.
      const text = String(await tab.evaluate("document.querySelector('main')?.innerText ?? ''").catch(() => ''));
      console.error(`    the tab was at ${tab.url()} (screenshot ${shot}):\n    ${text.replace(/\n+/g, '\n    ')}`);
    }
    throw err;
  } finally {
    await browser?.close();
    await stack?.close();
  }
  const ms = Math.round(performance.now() - total);
  console.log(`\nDemo passed: ${run.results.length} steps in ${ms} ms.${dir ? ` Screenshots in ${dir}` : ''}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`\nDemo FAILED: ${(err as Error).message}`);
    process.exit(1);
  },
);
