/**
 * Stuck re-registration (issue 9, decision 0052): the device holds a credential the portal lost
 * (here the admin deleted it; a tab closed or a daemon killed between the device storing the
 * credential and the portal verifying it leaves the same state). Before healing, every sign-in
 * asked Protect and then failed, and the finish page skipped registration because the device
 * said "registered". Now the portal's own list decides: the tab names the way out without asking
 * Protect, the popup says it beside the portal, the password sign-in registers the device again
 * (the orphan replaced on the device), and the next sign-in is device-only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, openPage } from '../../dev/browser.js';
import { ORPHANED_TEXT } from '../../extension/src/popup/explainProblem.js';
import { credentialDelete, credentialList } from '../../portal/src/admin/adminActions.js';
import { DEVICE_CREDENTIAL_LOST_MESSAGE } from '../../portal/src/views/signInPages.js';
import type { PortalUser } from './helpers/PortalUser.js';
import { answerProtect, watchProtectWindows } from './helpers/protectWindow.js';
import { CONFIGURED } from './helpers/registerThroughOffer.js';
import type { E2eStack } from './helpers/startE2eStack.js';
import { type E2eUser, startRegisteredE2eUser } from './helpers/startE2eUser.js';

const VERIFIED = 'You can return to the previous app.';

describe('a device credential the portal lost', () => {
  let e2e: E2eUser;
  let stack: E2eStack;
  let browser: ExtensionBrowser;
  let user: PortalUser;

  beforeAll(async () => {
    e2e = await startRegisteredE2eUser();
    ({ stack, browser, user } = e2e);
  }, 120_000);

  afterAll(async () => {
    await e2e?.close();
  });

  it('should say so without asking Protect, register again after the password, then sign in with the device only', async () => {
    const [orphan] = await stack.deviceSignInAccounts();
    expect(orphan).toBeDefined();
    // The admin deletes the credential at the portal; the device still holds it.
    await credentialDelete(stack.portal.db, Date.now(), orphan!.id);
    expect(await credentialList(stack.portal.db)).toEqual([]);

    const page = await browser.context.newPage();
    await page.goto(`${stack.portal.origin}/`);
    await user.signOut(page);
    const protectWindows = watchProtectWindows(browser.context);
    await user.enterEmail(page);
    await user.waitForPasswordPage(page, 'device-unknown');
    await expect.poll(() => user.reasonText(page), { timeout: 10_000 }).toBe(DEVICE_CREDENTIAL_LOST_MESSAGE);
    protectWindows.stop();
    expect(protectWindows.opened()).toBe(0);

    // The popup names the way out beside the portal.
    const popup = await openPage(browser.context, `chrome-extension://${browser.extensionId}/src/popup/popup.html`);
    await expect
      .poll(() => popup.getByTestId('portals').textContent(), { timeout: 15_000 })
      .toBe(`${stack.portal.origin}: ${ORPHANED_TEXT}`);

    // Password and code; the finish page registers the device again in Protect.
    await user.logIn(page);
    await user.verify(page);
    const registered = await answerProtect(browser, { expectText: CONFIGURED });
    expect(registered.asked).toBe('Set up device sign-in?');
    await user.expectHome(page);

    // One credential on each side, the same one, and not the orphan.
    const accounts = await stack.deviceSignInAccounts();
    const portalSide = await credentialList(stack.portal.db);
    expect(accounts.map((a) => a.id)).toEqual(portalSide.map((c) => c.id));
    expect(accounts).toHaveLength(1);
    expect(accounts[0]?.id).not.toBe(orphan!.id);
    await expect
      .poll(() => popup.getByTestId('portals').textContent(), { timeout: 15_000 })
      .toBe(`${stack.portal.origin}: registered`);
    await popup.close();

    // The next sign-in is the device alone.
    await user.signOut(page);
    await user.enterEmail(page);
    const signedIn = await answerProtect(browser, { expectText: VERIFIED });
    expect(signedIn.asked).toBe('Sign in?');
    await user.expectHome(page);
    expect(await user.sessionTrusted(page)).toBe(true);
    await page.close();
  }, 180_000);

  it('should skip registration on the finish page when the portal still knows the device credential', async () => {
    const before = (await stack.deviceSignInAccounts()).map((a) => a.id);
    const page = await browser.context.newPage();
    await page.goto(`${stack.portal.origin}/`);
    await user.signOut(page);
    const protectWindows = watchProtectWindows(browser.context);
    // The password path by choice (the continue page, which would sign in with the device, is
    // kept from running): the finish page checks the portal's list and asks nobody.
    await page.route('**/signin/continue', (route) => route.fulfill({ status: 200, body: 'held back by the test' }));
    await user.enterEmail(page);
    await page.unroute('**/signin/continue');
    await page.goto(`${stack.portal.origin}/signin/password`);
    await user.logIn(page);
    await user.verify(page);
    await user.expectHome(page);
    protectWindows.stop();
    expect(protectWindows.opened()).toBe(0);
    expect((await stack.deviceSignInAccounts()).map((a) => a.id)).toEqual(before);
    await page.close();
  }, 120_000);
});
