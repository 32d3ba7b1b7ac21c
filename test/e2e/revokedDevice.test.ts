/**
 * A device the admin revoked in the inventory: the portal already knows none of the user's device
 * sign-in credentials can sign in, so nobody is asked in Protect. The tab names the revocation
 * once (not the password sign-in), and no page offers a device sign-in that could only be refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtensionBrowser } from '../../dev/browser.js';
import { deviceRevoke } from '../../portal/src/admin/adminActions.js';
import { DEVICE_REVOKED_MESSAGE } from '../../portal/src/trust/deviceSignInAvailability.js';
import type { PortalUser } from './helpers/PortalUser.js';
import { watchProtectWindows } from './helpers/protectWindow.js';
import type { E2eStack } from './helpers/startE2eStack.js';
import { type E2eUser, startRegisteredE2eUser } from './helpers/startE2eUser.js';

describe('a revoked device', () => {
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

  it('should name the revocation once, without asking Protect, and offer no device sign-in', async () => {
    await deviceRevoke(stack.portal.db, Date.now(), stack.device.deviceId);
    const page = await browser.context.newPage();
    await page.goto(`${stack.portal.origin}/`);
    await user.signOut(page);
    const protectWindows = watchProtectWindows(browser.context);

    await user.enterEmail(page);
    await user.waitForPasswordPage(page, 'ERR_DEVICE_REVOKED');
    await expect.poll(() => user.reasonText(page), { timeout: 10_000 }).toBe(DEVICE_REVOKED_MESSAGE);
    // Said once: the page does not repeat the password path in other words.
    const text = (await page.locator('main, body').first().textContent()) ?? '';
    expect(text.split('removed your device from device management').length - 1).toBe(1);

    // The way on is the password; afterwards the home page explains instead of offering step-up.
    await user.logIn(page);
    await user.verify(page);
    await user.expectHome(page);
    expect(await page.locator('#step-up').count()).toBe(0);
    expect(await page.locator('#trust-advice').textContent()).toContain(DEVICE_REVOKED_MESSAGE);

    // A protected app's refusal page offers no device sign-in button either.
    await page.goto(stack.demoApp.startUrl);
    await page.locator('#untrusted-reason').waitFor({ timeout: 20_000 });
    expect(await page.locator('#step-up').count()).toBe(0);
    expect(await page.locator('#device-signin-refusal').textContent()).toBe(DEVICE_REVOKED_MESSAGE);

    protectWindows.stop();
    expect(protectWindows.opened()).toBe(0);
    await page.close();
  }, 120_000);
});
