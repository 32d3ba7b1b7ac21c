/**
 * The built extension in real headless Chromium, without a daemon: pinned id, the content script
 * only on configured origins, and a `status` that reports the daemon as unavailable in plain words.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callPageApi,
  EXTENSION_ID,
  type ExtensionBrowser,
  launchWithExtension,
  openPage,
  readExtensionStorage,
  waitForKeyboundReady,
} from '../../dev/browser.js';
import { CHROME_EXTENSION_DIR } from '../../dev/buildExtension.js';
import { type PageServer, servePages } from '../../dev/servePages.js';

const PAGE = '<!doctype html><title>portal</title><p>portal</p>';

describe('extension in Chromium without a daemon', () => {
  let server: PageServer;
  let browser: ExtensionBrowser;

  beforeAll(async () => {
    server = await servePages({ '/': PAGE });
    // No native-messaging host installed for this profile: the daemon cannot be found.
    browser = await launchWithExtension({ settings: { portalOrigins: [server.localhostOrigin], daemonPort: 9 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('should ship a small content script without zod or the polyfill when built (docs/decisions/0034)', async () => {
    const manifest = JSON.parse(await readFile(join(CHROME_EXTENSION_DIR, 'manifest.json'), 'utf8')) as {
      content_scripts?: unknown;
      web_accessible_resources?: unknown;
    };
    // Registered at run time for the configured origins only, and not fetchable by pages.
    expect(manifest.content_scripts).toBeUndefined();
    expect(manifest.web_accessible_resources).toBeUndefined();
    const code = await readFile(join(CHROME_EXTENSION_DIR, 'src/content/pageBridge.iife.js'), 'utf8');
    // 237 KB with zod and webextension-polyfill; ~3 KB minified without them.
    expect(code.length).toBeLessThan(8 * 1024);
    expect(code).not.toMatch(/ZodError|webextension-polyfill|browser-polyfill/);
  });

  it('should load with the pinned id when the manifest key is intact', () => {
    expect(browser.extensionId).toBe(EXTENSION_ID);
  });

  it('should signal ready and answer status when the origin is configured', async () => {
    const page = await openPage(browser.context, `${server.localhostOrigin}/`);
    expect(await waitForKeyboundReady(page)).toBe(true);
    const answer = await callPageApi(page, 'status', {});
    expect(answer).toMatchObject({
      ok: true,
      result: {
        daemon: 'unavailable',
        registered: false,
        eligibility: { eligible: false, problem: { code: 'ERR_NATIVE_HOST_UNAVAILABLE' } },
      },
    });
    await page.close();
  });

  it('should give nothing when the origin is not configured', async () => {
    const page = await openPage(browser.context, `${server.loopbackOrigin}/`);
    expect(await waitForKeyboundReady(page, 3_000)).toBe(false);
    const answer = await callPageApi(page, 'status', {}, 2_000);
    expect(answer).toMatchObject({ ok: false, error: { code: 'ERR_TIMEOUT' } });
    await page.close();
  });

  it('should save canonical origins and refuse a plain-http remote origin when the user edits options', async () => {
    const options = await openPage(browser.context, `chrome-extension://${EXTENSION_ID}/src/options/options.html`);
    await expect
      .poll(() => options.locator('#portalOrigins').inputValue(), { timeout: 10_000 })
      .toBe(server.localhostOrigin);
    // Which form of the portal's address is expected (the portal redirects 127.0.0.1 to its issuer).
    expect(await options.getByTestId('portal-address-hint').textContent()).toMatch(
      /address bar[\s\S]*127\.0\.0\.1:8080[\s\S]*localhost:8080[\s\S]*are different addresses/,
    );
    await options.locator('#ssoLoginOrigins').fill('http://login.example.com');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByTestId('saved').textContent(), { timeout: 10_000 }).toContain('Not saved');

    await options.locator('#ssoLoginOrigins').fill('https://Login.example.com/sso/start');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByTestId('saved').textContent(), { timeout: 10_000 }).toBe('Saved.');
    expect(await readExtensionStorage(browser.context, 'settings')).toEqual({
      portalOrigins: [server.localhostOrigin],
      ssoLoginOrigins: ['https://login.example.com'],
      daemonPort: 9,
    });
    await options.close();
  });
});
