/**
 * The seed's walkthrough end to end, in one headless Chromium with the built extension, the real
 * daemon (emulated enrolled device, `--uv protect`: every verification is answered by clicking
 * in the Protect window) and the real portal with its demo SSO apps. The tests run in order and
 * share the browser, as one user's day would: register → sign out and back in with the device →
 * open the protected SSO app (and be refused from a password-only session elsewhere) → delete the
 * token in Protect and be offered registration again → uninstall Protect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callPageApi, type ExtensionBrowser, launchChromium, launchWithExtension } from '../../dev/browser.js';
import { PortalUser, requestSignInOptions, watchForPasswordField } from './helpers/PortalUser.js';
import { answerProtect, openTrackedPage, waitUntilInFront, watchProtectWindows } from './helpers/protectWindow.js';
import { registerThroughOffer } from './helpers/registerThroughOffer.js';
import { type E2eStack, startE2eStack } from './helpers/startE2eStack.js';

const VERIFIED = 'You can return to the previous app.';

describe('device sign-in journey', () => {
  let stack: E2eStack;
  let browser: ExtensionBrowser;
  let user: PortalUser;

  beforeAll(async () => {
    stack = await startE2eStack();
    browser = await launchWithExtension({
      settings: { portalOrigins: [stack.portal.origin], daemonPort: stack.daemon.port },
      daemonDataDir: stack.daemon.dataDir,
    });
    user = new PortalUser({ portalOrigin: stack.portal.origin, ...stack.user });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('should register the device through email, password, code and Protect when the user follows the passwordless offer', async () => {
    const tab = await openTrackedPage(browser);
    const { page } = tab;
    await registerThroughOffer(browser, user, tab);
    expect(await user.sessionTrusted(page)).toBe(false);
    const accounts = await stack.deviceSignInAccounts();
    expect(accounts).toMatchObject([{ rpId: 'localhost', userName: stack.user.email }]);
    await page.close();
  }, 60_000);

  it('should sign in with the device only, never showing a password field, when the user signs out and in again', async () => {
    const { page, tabId } = await openTrackedPage(browser);
    await page.goto(`${stack.portal.origin}/`);
    await user.signOut(page);
    const watch = await watchForPasswordField(page);
    const protectWindows = watchProtectWindows(browser.context);

    await user.enterEmail(page);
    const answer = await answerProtect(browser, { expectText: VERIFIED });
    expect(answer.asked).toBe('Sign in?');
    expect(await waitUntilInFront(browser.worker, tabId)).toBe(tabId);
    await user.expectHome(page);
    expect(await user.sessionTrusted(page)).toBe(true);

    protectWindows.stop();
    expect(protectWindows.opened()).toBe(1);
    expect(watch.sawPassword()).toBe(false);
    expect(watch.urls.filter((u) => new URL(u).pathname.startsWith('/signin/password'))).toEqual([]);
    await page.close();
  }, 60_000);

  it('should open the protected SSO app through OpenID Connect with amr hwk and a trusted device when the session came from device sign-in', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${stack.portal.origin}/`);
    await page.locator(`#apps a[data-app="${stack.protectedAppName}"]`).click();
    await page.waitForURL(`${stack.demoApp.origin}/`, { timeout: 20_000 });
    expect(await page.locator('#user-email').textContent()).toBe(stack.user.email);
    expect((await page.locator('#amr').textContent())?.split(', ')).toContain('hwk');
    expect(await page.locator('#device-trusted').textContent()).toBe('yes');
    await page.close();
  }, 60_000);

  it('should refuse the protected SSO app with its explanation when the session used only password and code', async () => {
    // Another browser on the same user's account, without the extension: password + MFA only.
    const plain = await launchChromium();
    try {
      const page = await plain.context.newPage();
      await page.goto(stack.demoApp.startUrl);
      await page.waitForURL((url) => url.origin === stack.portal.origin && url.pathname === '/signin');
      await page.locator('#email').fill(stack.user.email);
      await page.locator('#continue').click();
      await user.waitForPasswordPage(page, 'no-extension');
      await user.logIn(page);
      await user.verify(page);

      await page.waitForURL((url) => url.pathname.startsWith('/oidc/interaction/'), { timeout: 20_000 });
      expect(await page.locator('#heading').textContent()).toBe('Trusted device required');
      expect(await page.locator('#untrusted-app').textContent()).toContain(
        `${stack.protectedAppName} is protected by Device Trust`,
      );
      expect(await page.locator('#untrusted-reason').textContent()).toContain(
        'You signed in with your password, not with device sign-in',
      );
      // Without the extension there is no step-up offer, and the app got no code.
      expect(await page.locator('#step-up-box').isHidden()).toBe(true);
      expect(new URL(page.url()).origin).toBe(stack.portal.origin);

      // The same session still opens an app that is not protected.
      await page.goto(stack.normalApp.startUrl);
      await page.waitForURL(`${stack.normalApp.origin}/`, { timeout: 20_000 });
      expect(await page.locator('#device-trusted').textContent()).toBe('no');
    } finally {
      await plain.close();
    }
  }, 60_000);

  it('should fall back to password and code, saying why, when device sign-in is switched off in Protect settings', async () => {
    await stack.protect({ op: 'settings.deviceSignIn', on: false });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${stack.portal.origin}/`);
      await user.signOut(page);
      const watch = await watchForPasswordField(page);
      const protectWindows = watchProtectWindows(browser.context);

      await user.enterEmail(page);
      await user.waitForPasswordPage(page, 'ERR_DEVICE_SIGNIN_DISABLED');
      await expect
        .poll(() => user.reasonText(page), { timeout: 10_000 })
        .toBe(
          "Device sign-in is turned off in Protect. Turn it on in Protect's settings, or sign in with your email, password and MFA.",
        );
      await user.logIn(page);
      await user.verify(page);
      await user.expectHome(page);
      expect(await user.sessionTrusted(page)).toBe(false);
      expect(watch.sawPassword()).toBe(true);
      // Protect never asked: no Protect window was opened for this sign-in.
      protectWindows.stop();
      expect(protectWindows.opened()).toBe(0);
      // The registration is still there for when the user switches device sign-in on again.
      expect(await stack.deviceSignInAccounts()).toHaveLength(1);
      await page.close();
    } finally {
      await stack.protect({ op: 'settings.deviceSignIn', on: true });
    }
  }, 60_000);

  it('should offer registration again on the next sign-in when the token is deleted in Protect accounts', async () => {
    const [account] = await stack.deviceSignInAccounts();
    expect(account).toBeDefined();
    await stack.protect({ op: 'accounts.delete', accountId: account!.id });
    expect(await stack.deviceSignInAccounts()).toEqual([]);

    const tab = await openTrackedPage(browser);
    await tab.page.goto(`${stack.portal.origin}/`);
    await user.signOut(tab.page);
    // registerThroughOffer asserts the passwordless offer, then registers again.
    await registerThroughOffer(browser, user, tab);
    const [again] = await stack.deviceSignInAccounts();
    expect(again?.id).not.toBe(account!.id);
    await tab.page.close();
  }, 60_000);

  it('should not sign anyone in with the tokens of an uninstalled Protect, also after reinstalling it', async () => {
    expect(await stack.deviceSignInAccounts()).toHaveLength(1);
    await stack.protect({ op: 'protect.uninstall' });
    // Device sign-in and TOTP tokens are gone with it.
    expect(await stack.protect({ op: 'accounts.list' })).toEqual({ accounts: [] });

    const page = await browser.context.newPage();
    await page.goto(`${stack.portal.origin}/`);
    await user.signOut(page);
    const protectWindows = watchProtectWindows(browser.context);
    await user.enterEmail(page);
    await user.waitForPasswordPage(page, 'ERR_PROTECT_NOT_INSTALLED');
    await expect
      .poll(() => user.reasonText(page), { timeout: 10_000 })
      .toBe(
        'Protect is not installed on this device. Ask your admin to deploy Protect to this device, then try again.',
      );
    // Even asked directly with the portal's options for this user, the device signs nothing.
    const refused = await callPageApi(page, 'signIn', { options: await requestSignInOptions(page) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'ERR_PROTECT_NOT_INSTALLED' } });

    // The admin pushes Protect again; the user opens it and allows notifications.
    await stack.protect({ op: 'protect.install', source: 'managed' });
    await stack.editDevice((p) => ({ ...p, protect: { ...p.protect, opened: true } }));
    await stack.protect({ op: 'settings.notifications', on: true });
    const gone = await callPageApi(page, 'signIn', { options: await requestSignInOptions(page) });
    expect(gone).toMatchObject({ ok: false, error: { code: 'ERR_CREDENTIAL_NOT_FOUND' } });
    // The next sign-in offers registration, not device sign-in.
    await user.enterEmail(page);
    await page.locator('#passwordless-offer').waitFor({ state: 'visible', timeout: 15_000 });
    protectWindows.stop();
    expect(protectWindows.opened()).toBe(0);
    await page.close();
  }, 60_000);
});
