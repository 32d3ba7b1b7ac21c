/**
 * Browser smoke test: the built extension in headless Chromium with a real daemon (emulated
 * device, `--uv auto`, pairing pre-authorised for the pinned id). A configured page gets the ready
 * signal and a `status` round trip; a page on another origin gets nothing; a web page's own
 * WebSocket to the daemon is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callPageApi,
  EXTENSION_ID,
  isPaired,
  openPage,
  readExtensionStorage,
  stopExtensionWorker,
  waitForKeyboundReady,
} from '../../dev/browser.js';
import { type ExtensionPageStack, startExtensionPageStack } from '../helpers/startExtensionPageStack.js';

describe('extension with a real daemon', () => {
  let stack: ExtensionPageStack;

  beforeAll(async () => {
    stack = await startExtensionPageStack();
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('should load with the pinned id when built', () => {
    expect(stack.browser.extensionId).toBe(EXTENSION_ID);
  });

  it('should pair and answer status through the daemon when the origin is configured', async () => {
    const page = await openPage(stack.browser.context, `${stack.server.localhostOrigin}/`);
    expect(await waitForKeyboundReady(page)).toBe(true);
    const answer = await callPageApi(page, 'status', { userName: 'alice@example.com' });
    expect(answer).toMatchObject({
      ok: true,
      result: { daemon: 'connected', registered: false, device: { enrollment: { state: expect.any(String) } } },
    });
    expect(await isPaired(stack.browser.worker)).toBe(true);
    await page.close();
  });

  it('should authenticate with the stored pairing secret when the worker was stopped and woken', async () => {
    const before = (await readExtensionStorage(stack.browser.context, 'pairing')) as { secret?: string };
    await stopExtensionWorker(stack.browser.context);
    const page = await openPage(stack.browser.context, `${stack.server.localhostOrigin}/`);
    expect(await waitForKeyboundReady(page)).toBe(true);
    const answer = await callPageApi(page, 'status', {});
    expect(answer).toMatchObject({ ok: true, result: { daemon: 'connected' } });
    // Same secret: the new connection proved the pairing instead of pairing again.
    const after = (await readExtensionStorage(stack.browser.context, 'pairing')) as { secret?: string };
    expect(after.secret).toBe(before.secret);
    await page.close();
  });

  it('should refuse a status about another site when the RP ID does not belong to the page', async () => {
    const page = await openPage(stack.browser.context, `${stack.server.localhostOrigin}/`);
    expect(await waitForKeyboundReady(page)).toBe(true);
    const answer = await callPageApi(page, 'status', { rpId: 'bank.example' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'ERR_RP_ID_MISMATCH' } });
    await page.close();
  });

  it('should give a page nothing when its origin is not configured', async () => {
    const page = await openPage(stack.browser.context, `${stack.server.loopbackOrigin}/`);
    expect(await waitForKeyboundReady(page, 3_000)).toBe(false);
    expect(await callPageApi(page, 'status', {}, 2_000)).toMatchObject({ ok: false, error: { code: 'ERR_TIMEOUT' } });
    await page.close();
  });

  it("should refuse a web page's own WebSocket to the daemon", async () => {
    const page = await openPage(stack.browser.context, `${stack.server.localhostOrigin}/`);
    const outcome = await page.evaluate(
      (port) =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(`ws://127.0.0.1:${port}/v1`);
          socket.onopen = () => {
            socket.close();
            resolve('open');
          };
          socket.onerror = () => resolve('refused');
          setTimeout(() => resolve('no answer'), 15_000);
        }),
      stack.daemon.port,
    );
    expect(outcome).toBe('refused');
    await page.close();
  });
});
