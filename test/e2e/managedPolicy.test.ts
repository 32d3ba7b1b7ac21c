/**
 * IT deployment in a real browser: the extension has no local settings at all; a Chromium
 * managed-policy file names the portal origin, the daemon port and pre-authorised pairing, and
 * the whole registration then works as in the seed. The policy is written for a copy of the
 * extension with its own id, so it cannot change any other browser test running meanwhile; the
 * file is removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension, openPage, waitForKeyboundReady } from '../../dev/browser.js';
import { copyExtensionWithOwnId, type ExtensionCopy } from '../helpers/copyExtensionWithOwnId.js';
import { type ManagedPolicyFile, writeManagedPolicy } from '../helpers/managedPolicy.js';
import { PortalUser } from './helpers/PortalUser.js';
import { openTrackedPage } from './helpers/protectWindow.js';
import { registerThroughOffer } from './helpers/registerThroughOffer.js';
import { type E2eStack, startE2eStack } from './helpers/startE2eStack.js';

describe('managed policy configures the extension', () => {
  let extension: ExtensionCopy;
  let stack: E2eStack;
  let policy: ManagedPolicyFile;
  let browser: ExtensionBrowser;

  beforeAll(async () => {
    extension = await copyExtensionWithOwnId();
    stack = await startE2eStack({ extraExtensionIds: [extension.extensionId] });
    policy = await writeManagedPolicy(
      { portalOrigins: [stack.portal.origin], daemonPort: stack.daemon.port, pairingPreauthorized: true },
      { extensionId: extension.extensionId },
    );
    browser = await launchWithExtension({
      extensionDir: extension.dir,
      daemonDataDir: stack.daemon.dataDir,
      nativeHostExtensionIds: [extension.extensionId],
    });
  }, 420_000); // may wait for another test's policy file (helpers/managedPolicy.ts)

  afterAll(async () => {
    await browser?.close();
    await policy?.remove();
    await stack?.close();
    await extension?.remove();
  });

  it('should register the device at a portal that only IT policy names when the user follows the seed', async () => {
    expect(browser.extensionId).toBe(extension.extensionId);
    // Right after start the extension may still be reading the policy (up to ~6 s, docs/page-api.md).
    const first = await openPage(browser.context, `${stack.portal.origin}/signin`);
    expect(await waitForKeyboundReady(first, 20_000)).toBe(true);
    await first.close();

    const user = new PortalUser({ portalOrigin: stack.portal.origin, ...stack.user });
    const tab = await openTrackedPage(browser);
    await registerThroughOffer(browser, user, tab);
    expect(await stack.deviceSignInAccounts()).toMatchObject([{ rpId: 'localhost', userName: stack.user.email }]);
    await tab.page.close();
  }, 60_000);

  it('should show the policy values read-only in the options page when IT sets them', async () => {
    const page = await openPage(
      browser.context,
      `chrome-extension://${extension.extensionId}/src/options/options.html`,
    );
    const portals = page.locator('#portalOrigins');
    await expect.poll(() => portals.inputValue(), { timeout: 20_000 }).toBe(stack.portal.origin);
    expect(await portals.getAttribute('readonly')).not.toBeNull();
    expect(await page.locator('#daemonPort').inputValue()).toBe(String(stack.daemon.port));
    expect(await page.locator('#daemonPort').getAttribute('readonly')).not.toBeNull();
    // Not set by IT: still editable.
    expect(await page.locator('#ssoLoginOrigins').getAttribute('readonly')).toBeNull();
    await page.close();
  }, 60_000);
});
