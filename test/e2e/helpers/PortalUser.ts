/**
 * The demo user at the User Portal, in a real browser tab: the steps of the seed's walkthrough
 * (Email → Continue, Password → Log in, Verification code → Verify), signing out, and where the
 * tab ends up. Fields are found by the portal's stable ids (portal/src/views/signInPages.ts).
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { TotpCodes } from './TotpCodes.js';

export interface PortalUserOptions {
  portalOrigin: string;
  email: string;
  password: string;
  totpSecret: string;
}

const STEP_TIMEOUT_MS = 20_000;

export class PortalUser {
  readonly codes: TotpCodes;

  constructor(readonly o: PortalUserOptions) {
    this.codes = new TotpCodes(o.totpSecret);
  }

  /** Opens the sign-in page fresh, types the email and presses Continue; resolves on the continue page. */
  async enterEmail(page: Page): Promise<void> {
    await page.goto(`${this.o.portalOrigin}/signin?restart=1`);
    await page.locator('#email').fill(this.o.email);
    await page.locator('#continue').click();
    await page.waitForURL(`${this.o.portalOrigin}/signin/continue`, { timeout: STEP_TIMEOUT_MS });
  }

  /** On the password page: types the password and presses Log in; resolves on the MFA page. */
  async logIn(page: Page): Promise<void> {
    await page.waitForURL((url) => url.pathname === '/signin/password', { timeout: STEP_TIMEOUT_MS });
    await page.locator('#password').fill(this.o.password);
    await page.locator('#log-in').click();
    await page.waitForURL(`${this.o.portalOrigin}/signin/mfa`, { timeout: STEP_TIMEOUT_MS });
  }

  /** On the MFA page: types a fresh code and presses Verify; resolves on the finish page. */
  async verify(page: Page): Promise<void> {
    await page.locator('#code').fill(await this.codes.next());
    await page.locator('#verify').click();
    await page.waitForURL(`${this.o.portalOrigin}/signin/finish`, { timeout: STEP_TIMEOUT_MS });
  }

  /** Waits for the portal home with this user signed in. */
  async expectHome(page: Page, timeoutMs = STEP_TIMEOUT_MS): Promise<void> {
    await page.waitForURL(`${this.o.portalOrigin}/`, { timeout: timeoutMs });
    expect(await page.locator('#signed-in-as').textContent()).toBe(this.o.email);
  }

  /** Whether the home page says the session is trusted (`#trust[data-trusted]`). */
  async sessionTrusted(page: Page): Promise<boolean> {
    return (await page.locator('#trust').getAttribute('data-trusted')) === 'true';
  }

  /** Presses Sign out; resolves on the sign-in page. */
  async signOut(page: Page): Promise<void> {
    if (new URL(page.url()).pathname !== '/') await page.goto(`${this.o.portalOrigin}/`);
    await page.locator('#sign-out').click();
    await page.waitForURL((url) => url.pathname === '/signin', { timeout: STEP_TIMEOUT_MS });
  }

  /** Waits for the password page opened with `reason` (`/signin/password?reason=…`). */
  async waitForPasswordPage(page: Page, reason: string): Promise<void> {
    await page.waitForURL((url) => url.pathname === '/signin/password' && url.searchParams.get('reason') === reason, {
      timeout: STEP_TIMEOUT_MS,
    });
  }

  /**
   * The sentence the password page shows about why device sign-in was not used (#reason).
   * signin.js replaces the portal's generic sentence with the extension's own words, so poll it.
   */
  async reasonText(page: Page): Promise<string> {
    return ((await page.locator('#reason').textContent({ timeout: STEP_TIMEOUT_MS })) ?? '').trim();
  }
}

/**
 * Asks the portal for device sign-in options from inside `page`, as signin.js does (the page's
 * session and CSRF token): what a device would have to answer to sign this user in.
 */
export async function requestSignInOptions(page: Page): Promise<unknown> {
  return page.evaluate(async () => {
    const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
    const res = await fetch('/api/webauthn/authentication/options', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: '{}',
    });
    if (!res.ok) throw new Error(`The portal answered ${res.status}`);
    return ((await res.json()) as { options: unknown }).options;
  });
}

/**
 * Records whether a password field was ever shown in `page` (checked on every document it loads)
 * and every URL its main frame visited.
 */
export async function watchForPasswordField(page: Page): Promise<{ sawPassword: () => boolean; urls: string[] }> {
  let saw = false;
  const urls: string[] = [];
  await page.exposeFunction('__keyboundE2eSawPassword', () => {
    saw = true;
  });
  await page.addInitScript(() => {
    const check = () => {
      if (document.querySelector('input[type="password"]'))
        (window as unknown as { __keyboundE2eSawPassword(): void }).__keyboundE2eSawPassword();
    };
    document.addEventListener('DOMContentLoaded', () => {
      check();
      new MutationObserver(check).observe(document.documentElement, { childList: true, subtree: true });
    });
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) urls.push(frame.url());
  });
  return { sawPassword: () => saw, urls };
}
