/**
 * IT policy in a real browser: a managed-policy file names an SSO login origin for the extension;
 * a page on that origin gets the ready signal although the local settings do not list it, and
 * the options page shows the managed value read-only. The policy file is removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension, openPage, waitForKeyboundReady } from '../../dev/browser.js';
import { type PageServer, servePages } from '../../dev/servePages.js';
import { copyExtensionWithOwnId, type ExtensionCopy } from '../helpers/copyExtensionWithOwnId.js';
import { type ManagedPolicyFile, writeManagedPolicy } from '../helpers/managedPolicy.js';

describe('managed policy', () => {
  let server: PageServer;
  let policy: ManagedPolicyFile;
  let browser: ExtensionBrowser;
  let copy: ExtensionCopy;

  beforeAll(async () => {
    server = await servePages({ '/': '<!doctype html><title>sso login</title><p>login</p>' });
    // A policy file reaches every Chromium on the machine: aim it at a copy of the extension with
    // its own id, so browser tests running meanwhile with the pinned id are not managed by it.
    copy = await copyExtensionWithOwnId();
    policy = await writeManagedPolicy({ ssoLoginOrigins: [server.loopbackOrigin] }, { extensionId: copy.extensionId });
    browser = await launchWithExtension({
      extensionDir: copy.dir,
      settings: { portalOrigins: [server.localhostOrigin], daemonPort: 9 },
    });
  }, 420_000); // may wait for another test's policy file (helpers/managedPolicy.ts)

  afterAll(async () => {
    await browser?.close();
    await policy?.remove();
    await copy?.remove();
    await server?.close();
  });

  it('should serve an origin when only IT policy lists it', async () => {
    const page = await openPage(browser.context, `${server.loopbackOrigin}/`);
    // The first managed read can take seconds after launch; the worker waits for it before refusing.
    expect(await waitForKeyboundReady(page, 20_000)).toBe(true);
    await page.close();
  });

  it('should show a managed value read-only when IT sets it', async () => {
    const page = await openPage(browser.context, `chrome-extension://${browser.extensionId}/src/options/options.html`);
    const sso = page.locator('#ssoLoginOrigins');
    await expect.poll(() => sso.inputValue(), { timeout: 20_000 }).toBe(server.loopbackOrigin);
    expect(await sso.getAttribute('readonly')).not.toBeNull();
    expect(await page.locator('#portalOrigins').getAttribute('readonly')).toBeNull();
    expect(await page.locator('[data-managed="ssoLoginOrigins"]').isVisible()).toBe(true);
    await page.close();
  });
});
