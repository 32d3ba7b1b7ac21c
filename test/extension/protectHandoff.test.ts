/**
 * The Protect handoff in a real browser: with a daemon that asks the user (no `--uv auto`, no
 * pre-authorised pairing), the first request pairs the extension; the daemon asks Protect, the
 * extension opens the Protect window, the user clicks Approve, and the extension closes the
 * window and brings the original tab back to the front while the page's request completes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callPageApi,
  type ExtensionBrowser,
  isPaired,
  launchWithExtension,
  openPage,
  waitForKeyboundReady,
  waitForProtectWindow,
} from '../helpers/browser.js';
import { type PageServer, servePages } from '../helpers/servePages.js';
import { startTestDaemon, type TestDaemon } from '../helpers/startTestDaemon.js';

describe('Protect handoff', () => {
  let server: PageServer;
  let daemon: TestDaemon;
  let browser: ExtensionBrowser;

  beforeAll(async () => {
    server = await servePages({ '/': '<!doctype html><title>portal</title><p>portal</p>' });
    daemon = await startTestDaemon({ uv: 'protect', preauthorizePairing: false });
    browser = await launchWithExtension({
      settings: { portalOrigins: [server.localhostOrigin], daemonPort: daemon.port },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.close();
    await server?.close();
  });

  it('should open Protect for pairing, close it after approval and return to the tab when the user approves', async () => {
    const page = await openPage(browser.context, `${server.localhostOrigin}/`);
    expect(await waitForKeyboundReady(page)).toBe(true);
    const status = callPageApi(page, 'status', {}, 60_000);

    const protect = await waitForProtectWindow(browser.context);
    await protect.getByRole('button', { name: 'Approve' }).click();
    // The extension leaves the confirmation visible briefly, then closes the window itself.
    await protect.waitForEvent('close', { timeout: 15_000 });

    // Back in front: the popup window is gone and the focused window is the normal browser window.
    const windows = await browser.worker.evaluate(async () => {
      const api = (globalThis as unknown as { chrome: typeof import('webextension-polyfill') }).chrome;
      const focused = await api.windows.getLastFocused();
      return { focused: focused.type, types: (await api.windows.getAll()).map((w) => w.type) };
    });
    expect(windows).toEqual({ focused: 'normal', types: ['normal'] });
    // The page's first status may have answered "pairing" while the user decided; now it is paired.
    expect(await status).toMatchObject({ ok: true });
    expect(await isPaired(browser.worker)).toBe(true);
    expect(await callPageApi(page, 'status', {})).toMatchObject({ ok: true, result: { daemon: 'connected' } });
  });
});
