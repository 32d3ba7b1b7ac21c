/**
 * No Protect prompt outlives the page that asked: when the page navigates away, its tab closes,
 * or it gives up on its request (`{ keybound: 'cancel' }`), the request waiting in Protect is
 * cancelled at the daemon at once (no longer pending, no longer approvable) and the Protect
 * window closes with it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callPageApi, openPage, waitForKeyboundReady, waitForProtectWindow } from '../../dev/browser.js';
import { sampleCreationOptions } from '../../dev/sampleOptions.js';
import { type ExtensionPageStack, startExtensionPageStack } from '../helpers/startExtensionPageStack.js';

describe('Protect prompts end with their page', () => {
  let stack: ExtensionPageStack;

  beforeAll(async () => {
    stack = await startExtensionPageStack({ uv: 'protect', eligible: true });
  });

  afterAll(async () => {
    await stack?.close();
  });

  /** A page that asked to register and now waits in Protect; resolves with the page and the window. */
  async function waitingInProtect(): Promise<{ page: Page; protect: Page }> {
    const page = await openPage(stack.browser.context, `${stack.server.localhostOrigin}/`);
    expect(await waitForKeyboundReady(page)).toBe(true);
    // Not awaited: the page leaves before the answer (its evaluation then fails, as expected).
    callPageApi(page, 'register', { options: sampleCreationOptions() }, 120_000).catch(() => undefined);
    const protect = await waitForProtectWindow(stack.browser.context, 30_000);
    expect(stack.daemon.protect.pending()).toHaveLength(1);
    return { page, protect };
  }

  async function expectPromptGone(protect: Page): Promise<void> {
    await expect.poll(() => stack.daemon.protect.pending().length, { timeout: 20_000 }).toBe(0);
    await expect.poll(() => protect.isClosed(), { timeout: 20_000 }).toBe(true);
  }

  it('should cancel the prompt when the page navigates away', async () => {
    const { page, protect } = await waitingInProtect();
    await page.goto(`${stack.server.localhostOrigin}/?elsewhere`);
    await expectPromptGone(protect);
    await page.close();
  });

  it('should cancel the prompt when the tab closes', async () => {
    const { page, protect } = await waitingInProtect();
    await page.close();
    await expectPromptGone(protect);
  });

  it('should cancel the prompt when the page gives up on its request', async () => {
    const { page, protect } = await waitingInProtect();
    await page.evaluate(() => window.postMessage({ keybound: 'cancel' }, location.origin));
    await expectPromptGone(protect);
    await page.close();
  });
});
