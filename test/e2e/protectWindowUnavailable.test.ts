/**
 * A Protect request whose window cannot be shown: the extension is paired and connected, but the
 * native messaging host, which hands over each Protect window's address, has been uninstalled
 * (`keybound native-host uninstall`). Nobody could answer that request, so the tab must hear why at
 * once, not stare at "Verify it is you in Protect…" until Protect's two minutes run out.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { uninstallNativeHost } from '../../daemon/src/nativeHost/installNativeHost.js';
import { watchProtectWindows } from './helpers/protectWindow.js';
import { type E2eUser, startRegisteredE2eUser } from './helpers/startE2eUser.js';

/** Far below the 150 s the page would otherwise wait; far above the ~1 s it takes. */
const ANSWER_WAIT_MS = 60_000;

describe('a Protect window that cannot be shown', () => {
  let e2e: E2eUser | undefined;
  afterAll(async () => {
    await e2e?.close();
  });

  it('should tell the tab that the native messaging host is missing and end the Protect request when its window cannot be opened', async () => {
    e2e = await startRegisteredE2eUser();
    const { stack, browser, user } = e2e;
    const page = await browser.context.newPage();
    await page.goto(`${stack.portal.origin}/`);
    await user.signOut(page);
    expect(await uninstallNativeHost({ browsers: ['chromium'], userDataDir: browser.profileDir })).toHaveLength(1);
    const protectWindows = watchProtectWindows(browser.context);

    await user.enterEmail(page);
    // The portal knows this device's credential, so the page asks the device to sign in at once.
    const status = page.locator('#status.error');
    await status.waitFor({ timeout: ANSWER_WAIT_MS });
    const said = (await status.textContent()) ?? '';
    expect(said).toContain('Keybound cannot reach its native messaging host');
    expect(said).toContain('keybound native-host install');
    expect(said).toContain('You can log in with your password instead.');
    protectWindows.stop();
    expect(protectWindows.opened()).toBe(0);

    // The daemon ended the request: nothing is left waiting in Protect.
    expect(await stack.protect({ op: 'protect.pending' })).toEqual({ pending: [] });
    await page.close();
  }, 180_000);
});
