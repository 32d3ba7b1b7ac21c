/**
 * Registration as in the seed, in a real tab: Email → Continue → the passwordless offer →
 * Continue → Password → Log in → Verification code → Verify → Protect ("Set up device sign-in?")
 * → Approve → "Configured. You can return to the previous app." → the original tab back in front
 * → signed in at the portal home. Asserts each step on the way.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ExtensionBrowser } from '../../../dev/browser.js';
import type { PortalUser } from './PortalUser.js';
import { answerProtect, waitUntilInFront } from './protectWindow.js';

export const CONFIGURED = 'Configured. You can return to the previous app.';

export async function registerThroughOffer(
  browser: ExtensionBrowser,
  user: PortalUser,
  { page, tabId }: { page: Page; tabId: number },
): Promise<void> {
  await user.enterEmail(page);
  const offer = page.locator('#passwordless-offer');
  await offer.waitFor({ state: 'visible', timeout: 15_000 });
  expect(await offer.textContent()).toContain('Passwordless Login');
  await page.locator('#offer-continue').click();
  await user.logIn(page);
  await user.verify(page);
  const answer = await answerProtect(browser, { expectText: CONFIGURED }).catch(async (err: Error) => {
    // Where the tab stopped (the finish page says why it did not register, or went on without it).
    const status = await page
      .locator('#status')
      .textContent({ timeout: 1_000 })
      .catch(() => undefined);
    throw new Error(`${err.message}\nThe tab: ${page.url()}, its status: ${JSON.stringify(status ?? null)}`);
  });
  expect(answer.asked).toBe('Set up device sign-in?');
  expect(answer.said).toContain(CONFIGURED);
  expect(await waitUntilInFront(browser.worker, tabId)).toBe(tabId);
  await user.expectHome(page);
}
