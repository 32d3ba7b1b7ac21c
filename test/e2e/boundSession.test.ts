/**
 * Device-bound sessions in a real browser: headless Chromium with the built extension, the real
 * daemon holding the session key, the real portal with a short refresh interval (6 s). After a
 * device sign-in the extension registers the session (DBSC) and refreshes it in its service
 * worker; the cookies copied into a browser without the extension (the infostealer case, with
 * their expiry pushed out by the thief) work until the bound cookie's server-side expiry and are
 * then refused, while the original browser stays signed in across several refreshes without any
 * Protect prompt. Then the admin revokes the device with `keybound admin device revoke` (the real
 * CLI, another process): the protected demo app, opened from this browser, ends its session on the
 * portal's back-channel logout and CAEP notices, and the portal session ends at its next refresh.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchChromium, launchWithExtension } from '../../dev/browser.js';
import { setOrgSessionRefresh } from '../../portal/src/admin/adminActions.js';
import { listLiveBoundSessions } from '../../portal/src/store/boundSessions.js';
import { PortalUser } from './helpers/PortalUser.js';
import { answerProtect, openTrackedPage, watchProtectWindows } from './helpers/protectWindow.js';
import { registerThroughOffer } from './helpers/registerThroughOffer.js';
import { type E2eStack, startE2eStack } from './helpers/startE2eStack.js';

const REFRESH_SECONDS = 10;
const CLI_ENTRY = join(import.meta.dirname, '..', '..', 'dev', 'cliEntry.ts');

/** Polls `check` until it returns a value, or fails naming `what` after `timeoutMs`. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function signedIn(page: Page, origin: string): Promise<boolean> {
  return page.evaluate(
    async (o) =>
      ((await (await fetch(`${o}/api/session`, { credentials: 'include' })).json()) as { signedIn: boolean }).signedIn,
    origin,
  );
}

describe('device-bound session in Chromium with the extension', () => {
  let stack: E2eStack;
  let browser: ExtensionBrowser;
  let user: PortalUser;

  beforeAll(async () => {
    stack = await startE2eStack();
    await setOrgSessionRefresh(stack.portal.db, Date.now(), REFRESH_SECONDS);
    browser = await launchWithExtension({
      settings: { portalOrigins: [stack.portal.origin], daemonPort: stack.daemon.port },
      daemonDataDir: stack.daemon.dataDir,
    });
    user = new PortalUser({ portalOrigin: stack.portal.origin, ...stack.user });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('should keep the device session alive by refreshes and let copied cookies die at their expiry', async () => {
    const tab = await openTrackedPage(browser);
    await registerThroughOffer(browser, user, tab);
    const { page } = tab;
    await user.signOut(page);
    await user.enterEmail(page);
    await answerProtect(browser, { expectText: 'You can return to the previous app.' });
    await user.expectHome(page);
    expect(await user.sessionTrusted(page)).toBe(true);

    // The extension registered the device session: a live bound session for the device.
    const bound = await waitFor(
      'the bound session',
      async () => (await listLiveBoundSessions(stack.portal.db, { deviceId: stack.device.deviceId }))[0],
    );
    const protectWindows = watchProtectWindows(browser.context);
    // Right after a refresh the cookie has most of its lifetime left: the thief copies it then.
    await waitFor('the first refresh', async () =>
      ((await listLiveBoundSessions(stack.portal.db, { deviceId: stack.device.deviceId }))[0]?.refreshCount ?? 0) >= 1
        ? true
        : undefined,
    );
    const boundCookie = await waitFor('the kb_bound cookie', async () =>
      (await browser.context.cookies(stack.portal.origin)).find((c) => c.name === 'kb_bound'),
    );

    // The thief copies every cookie into a browser without the extension and keeps them forever.
    const thief = await launchChromium();
    try {
      const stolen = (await browser.context.cookies(stack.portal.origin)).map((c) => ({
        ...c,
        expires: Math.floor(Date.now() / 1000) + 3600,
      }));
      await thief.context.addCookies(stolen);
      const thiefPage = await thief.context.newPage();
      await thiefPage.goto(`${stack.portal.origin}/static/portal.css`);
      const copiedAt = Date.now();
      const thiefWorkedAtFirst = await signedIn(thiefPage, stack.portal.origin);

      // Three refreshes by the extension's worker, each with a proof from the daemon's key.
      await waitFor('three refreshes', async () => {
        const live = (await listLiveBoundSessions(stack.portal.db, { deviceId: stack.device.deviceId }))[0];
        return live && live.id === bound.id && live.refreshCount >= 3 ? live : undefined;
      });
      const renewed = (await browser.context.cookies(stack.portal.origin)).find((c) => c.name === 'kb_bound');
      expect(renewed?.value).not.toBe(boundCookie.value);
      expect(await signedIn(page, stack.portal.origin)).toBe(true);
      await page.reload();
      await user.expectHome(page);

      // The copied cookie set stopped working no later than the bound cookie's lifetime.
      const thiefRefusedAt = await waitFor(
        'the copied session to be refused',
        async () => ((await signedIn(thiefPage, stack.portal.origin)) ? undefined : Date.now()),
        (REFRESH_SECONDS + 20) * 1000,
      );
      expect(thiefWorkedAtFirst).toBe(true);
      expect(thiefRefusedAt - copiedAt).toBeLessThan((REFRESH_SECONDS + 20) * 1000);
      expect(await signedIn(thiefPage, stack.portal.origin)).toBe(false);
      expect(await signedIn(page, stack.portal.origin)).toBe(true);
      protectWindows.stop();
      expect(protectWindows.opened()).toBe(0);
    } finally {
      await thief.close();
    }
  }, 150_000);

  it('should end the demo app session and the portal session when the admin revokes the device', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${stack.portal.origin}/`);
    await user.expectHome(page);
    const app = await browser.context.newPage();
    await app.goto(stack.demoApp.startUrl);
    await app.locator('#device-trusted').waitFor({ timeout: 30_000 });
    expect(await app.locator('#device-trusted').textContent()).toBe('yes');

    await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        CLI_ENTRY,
        'admin',
        '--db',
        join(stack.dataRoot, 'portal.db'),
        '--json',
        'device',
        'revoke',
        stack.device.deviceId,
      ],
      { cwd: join(import.meta.dirname, '..', '..'), timeout: 60_000 },
    );
    const revokedAt = Date.now();
    // The app heard it from the portal (back-channel logout and CAEP) and ended its own session.
    const kinds = await waitFor('the demo app to receive the notices', async () => {
      const got = stack.demoApp.received().map((n) => n.kind);
      return got.includes('backchannel-logout') && got.includes('caep') ? got : undefined;
    });
    expect(kinds).toContain('backchannel-logout');
    await app.reload();
    await app.locator('#sign-in').waitFor({ timeout: 10_000 });
    // The portal session: the extension's next refresh is refused (ERR_DEVICE_REVOKED).
    const portalEndedAt = await waitFor(
      'the portal session to end',
      async () => ((await signedIn(page, stack.portal.origin)) ? undefined : Date.now()),
      (REFRESH_SECONDS + 20) * 1000,
    );
    expect(portalEndedAt - revokedAt).toBeLessThan((REFRESH_SECONDS + 20) * 1000);
  }, 120_000);
});
