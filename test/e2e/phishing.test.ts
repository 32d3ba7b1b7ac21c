/**
 * Phishing, in a real browser with a registered device: a copy of the portal's login page (its
 * HTML and script, with a challenge the attacker fetched from the real portal for the victim)
 * served from other origins gets nothing from the extension — no ready signal, no answer, no
 * Protect window, no signature. And no web page, not even the portal's own, can open the daemon's
 * WebSocket: only the extension's service worker may.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callPageApi, type ExtensionBrowser, launchWithExtension } from '../../dev/browser.js';
import { CookieJarFetch } from '../../dev/CookieJarFetch.js';
import { type PageServer, servePages } from '../../dev/servePages.js';
import { PortalUser } from './helpers/PortalUser.js';
import { openTrackedPage, watchProtectWindows } from './helpers/protectWindow.js';
import { registerThroughOffer } from './helpers/registerThroughOffer.js';
import { type E2eStack, startE2eStack } from './helpers/startE2eStack.js';

/** What the attacker's server does: start a sign-in at the real portal for the victim's email. */
async function proxiedSignInOptions(portalOrigin: string, email: string) {
  const jar = new CookieJarFetch(portalOrigin);
  const signIn = await jar.request('/signin');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(signIn.body)?.[1] ?? '';
  const cont = await jar.request('/signin', { form: { _csrf: csrf, email } });
  const meta = /<meta name="csrf-token" content="([^"]+)">/.exec(cont.body)?.[1] ?? '';
  const res = await jar.request('/api/webauthn/authentication/options', {
    json: {},
    headers: { 'x-csrf-token': meta },
  });
  expect(res.status).toBe(200);
  return { continueHtml: cont.body, options: res.json<{ options: { allowCredentials: unknown[] } }>().options };
}

/** Whether a WebSocket from `page` to `url` opens (true) or fails (false), within a bound. */
function webSocketOpens(page: Page, url: string): Promise<boolean> {
  return page.evaluate(
    (target) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 5000);
        const ws = new WebSocket(target);
        ws.onopen = () => {
          clearTimeout(timer);
          ws.close();
          resolve(true);
        };
        ws.onerror = () => {
          clearTimeout(timer);
          resolve(false);
        };
      }),
    url,
  );
}

describe('phishing', () => {
  let stack: E2eStack;
  let browser: ExtensionBrowser;
  let copy: PageServer;
  let proxied: Awaited<ReturnType<typeof proxiedSignInOptions>>;

  beforeAll(async () => {
    stack = await startE2eStack();
    browser = await launchWithExtension({
      settings: { portalOrigins: [stack.portal.origin], daemonPort: stack.daemon.port },
      daemonDataDir: stack.daemon.dataDir,
    });
    const user = new PortalUser({ portalOrigin: stack.portal.origin, ...stack.user });
    const tab = await openTrackedPage(browser);
    await registerThroughOffer(browser, user, tab);
    await tab.page.close();

    proxied = await proxiedSignInOptions(stack.portal.origin, stack.user.email);
    const script = await (await fetch(`${stack.portal.origin}/static/signin.js`)).text();
    // The copy: the real page with the real script inlined (the copy's server sends no CSP).
    const html = proxied.continueHtml
      .replace('<script src="/static/signin.js" defer></script>', '')
      .replace('</body>', `<script>${script}</script></body>`);
    const passwordCopy = '<!doctype html><title>User Login</title><form><input id="password" type="password"></form>';
    copy = await servePages({ '/signin/continue': html, '/signin/password': passwordCopy });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await copy?.close();
  });

  it('should give a copy of the login page on another origin no ready signal and no assertion', async () => {
    expect(proxied.options.allowCredentials).toHaveLength(1);
    const [before] = await stack.deviceSignInAccounts();
    const protectWindows = watchProtectWindows(browser.context);
    for (const origin of [copy.loopbackOrigin, copy.localhostOrigin]) {
      const page = await browser.context.newPage();
      await page.goto(`${origin}/signin/continue`);
      // The copied script finds no extension and sends the user to the (copied) password page.
      await page.waitForURL(`${origin}/signin/password?reason=no-extension`, { timeout: 15_000 });
      expect(await page.evaluate(() => document.documentElement.dataset.keybound)).toBeUndefined();
      const answer = await callPageApi(page, 'signIn', { options: proxied.options }, 2000);
      expect(answer).toEqual({ ok: false, error: { code: 'ERR_TIMEOUT', message: 'No answer from the extension' } });
      await page.close();
    }
    protectWindows.stop();
    expect(protectWindows.opened()).toBe(0);
    const [after] = await stack.deviceSignInAccounts();
    expect(after).toEqual(before);
  }, 60_000);

  it('should refuse the daemon WebSocket to web pages when the page is a copy or the portal itself', async () => {
    const daemonUrl = `ws://127.0.0.1:${stack.daemon.port}/v1`;
    for (const url of [`${copy.loopbackOrigin}/signin/continue`, `${stack.portal.origin}/signin`]) {
      const page = await browser.context.newPage();
      await page.goto(url);
      expect(await webSocketOpens(page, daemonUrl), url).toBe(false);
      await page.close();
    }
    // The extension's own connection is unaffected.
    const page = await browser.context.newPage();
    await page.goto(`${stack.portal.origin}/signin`);
    expect(await callPageApi(page, 'status', {})).toMatchObject({ ok: true, result: { daemon: 'connected' } });
    await page.close();
  }, 60_000);
});
