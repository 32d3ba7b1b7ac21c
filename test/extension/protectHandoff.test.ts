/**
 * The Protect handoff in a real browser: with a daemon that asks the user (no `--uv auto`, no
 * pre-authorised pairing), the first request pairs the extension through the native host; the
 * daemon asks Protect, the URL comes back over native messaging, the extension opens the window,
 * the user clicks Approve, and the extension closes the window and brings the asking tab back to
 * the front — not whichever tab was active — while the page's request completes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callPageApi, isPaired, openPage, waitForKeyboundReady, waitForProtectWindow } from '../../dev/browser.js';
import { type ExtensionPageStack, startExtensionPageStack } from '../helpers/startExtensionPageStack.js';

describe('Protect handoff', () => {
  let stack: ExtensionPageStack;

  beforeAll(async () => {
    stack = await startExtensionPageStack({ uv: 'protect', preauthorizePairing: false });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('should open Protect for pairing, close it after approval and return to the asking tab when the user approves', async () => {
    const asking = `${stack.server.localhostOrigin}/`;
    const page = await openPage(stack.browser.context, asking);
    expect(await waitForKeyboundReady(page)).toBe(true);
    // The user is looking at another tab when the asking page's request starts the pairing.
    const other = await openPage(stack.browser.context, `${asking}?another-tab`);
    await other.bringToFront();
    // Pairing may already have begun when the asking page became ready (the Protect window then
    // holds the focus), so look at the browser window the user reads, not the last focused one.
    expect(await activeTabUrl(stack, 'normal')).toBe(`${asking}?another-tab`);
    const status = callPageApi(page, 'status', {}, 60_000);

    // Pairing now starts the native host first (a Node process): give a busy machine time.
    const protect = await waitForProtectWindow(stack.browser.context, 45_000);
    await protect.getByRole('button', { name: 'Approve' }).click();
    // The extension leaves the confirmation visible briefly, then closes the window itself.
    await protect.waitForEvent('close', { timeout: 15_000 });

    // Back in front: the popup window is gone and the focused window is the normal browser window.
    const windows = await stack.browser.worker.evaluate(async () => {
      const api = (globalThis as unknown as { chrome: typeof import('webextension-polyfill') }).chrome;
      const focused = await api.windows.getLastFocused();
      return { focused: focused.type, types: (await api.windows.getAll()).map((w) => w.type) };
    });
    expect(windows).toEqual({ focused: 'normal', types: ['normal'] });
    expect(await activeTabUrl(stack)).toBe(asking);
    // The page's first status may have answered "pairing" while the user decided; now it is paired.
    expect(await status).toMatchObject({ ok: true });
    expect(await isPaired(stack.browser.worker)).toBe(true);
    expect(await callPageApi(page, 'status', {})).toMatchObject({ ok: true, result: { daemon: 'connected' } });
  }, 120_000);
});

/**
 * The URL of the active tab in the last focused window, as the extension sees it; with `normal`,
 * of the browser window (the test has one) whichever window holds the focus.
 */
function activeTabUrl(stack: ExtensionPageStack, windowType?: 'normal'): Promise<string | undefined> {
  return stack.browser.worker.evaluate(async (type) => {
    const api = (globalThis as unknown as { chrome: typeof import('webextension-polyfill') }).chrome;
    const [tab] = await api.tabs.query(
      type ? { active: true, windowType: type } : { active: true, lastFocusedWindow: true },
    );
    return tab?.url;
  }, windowType);
}
