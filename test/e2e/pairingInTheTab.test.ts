/**
 * The first use of the extension pairs it with the device, and pairing may wait for the user in
 * Protect. Meanwhile the portal tab says that (not "the app is not running"), the popup follows
 * the pairing live, and once it is approved the page goes on by itself. A daemon that cannot be
 * reached gets its own sentence, which names the broken link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, openPage } from '../../dev/browser.js';
import { EXTENSION_ID } from '../../extension/src/extensionId.js';
import type { PortalUser } from './helpers/PortalUser.js';
import { findProtectWindow } from './helpers/protectWindow.js';
import type { E2eStack } from './helpers/startE2eStack.js';
import { type E2eUser, startE2eUser } from './helpers/startE2eUser.js';

describe('pairing, as the tab and the popup show it', () => {
  let e2e: E2eUser;
  let stack: E2eStack;
  let browser: ExtensionBrowser;
  let user: PortalUser;

  beforeAll(async () => {
    e2e = await startE2eUser({ preauthorizePairing: false });
    ({ stack, browser, user } = e2e);
  });

  afterAll(async () => {
    await e2e?.close();
  });

  it('should say that pairing waits in Protect, follow it in the popup, and go on once approved', async () => {
    const page = await browser.context.newPage();
    await user.enterEmail(page);
    const status = page.locator('#status');
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toContain('approve it in the Protect window');
    expect(await status.textContent()).not.toContain('not running');

    const popup = await openPage(browser.context, `chrome-extension://${EXTENSION_ID}/src/popup/popup.html`);
    const connection = popup.locator('#connection');
    await expect.poll(() => connection.textContent(), { timeout: 10_000 }).toContain('Pairing');

    const protect = await findProtectWindow(browser.context, 20_000);
    await protect.getByRole('button', { name: 'Approve' }).click();

    // The popup was not reopened: it follows the worker.
    await expect.poll(() => connection.textContent(), { timeout: 20_000 }).toContain('Connected');
    // The page asked again by itself and offers device sign-in (eligible, not registered yet).
    await page.locator('#passwordless-offer').waitFor({ state: 'visible', timeout: 20_000 });
    await popup.close();
    await page.close();
  }, 90_000);

  it('should name the broken link, not "not running", when the daemon cannot be reached', async () => {
    await stack.daemon.close();
    const page = await browser.context.newPage();
    await user.enterEmail(page);
    await user.waitForPasswordPage(page, 'daemon-unavailable');
    await expect
      .poll(() => user.reasonText(page), { timeout: 10_000 })
      .toBe(
        'The Keybound daemon is not running for this user (no control socket). Start it (keybound daemon, or its service), then try again.',
      );
    // The page learns what is wrong, never where the user's files are.
    expect(await page.locator('body').textContent()).not.toContain(stack.daemon.dataDir);
    await page.close();
  }, 90_000);
});
