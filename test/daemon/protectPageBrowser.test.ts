/**
 * The Protect window in a real headless Chromium: clicking Approve sends the form POST with the
 * daemon's own Origin (so the Referrer-Policy does not turn it into `null`), and a web page on
 * another origin that auto-submits the same form is refused by the browser-sent Origin.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HeadlessChromium, launchChromium } from '../../dev/browser.js';
import { newInstall, startNativePairing } from '../../dev/daemonClient.js';
import { type HarnessDaemon, startHarnessDaemon } from '../helpers/daemonHarness.js';

let daemon: HarnessDaemon;
let context: BrowserContext;
let browser: HeadlessChromium | undefined;
let attacker: Server;

beforeAll(async () => {
  daemon = await startHarnessDaemon({ uv: 'protect' });
  browser = await launchChromium();
  context = browser.context;
  attacker = createServer((req, res) => {
    const target = decodeURIComponent((req.url ?? '/').slice(1));
    res
      .writeHead(200, { 'Content-Type': 'text/html' })
      .end(
        `<form id="f" method="post" action="${target}"><input name="token" value="${new URL(target).searchParams.get('token')}"></form><script>document.getElementById('f').submit()</script>`,
      );
  });
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', () => r()));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => attacker?.close(r));
  await daemon?.stop();
});

/** A pairing as the native host starts it; the approval URL comes back to the host only. */
async function startPairing() {
  const started = startNativePairing(daemon.dataDir, newInstall());
  const pairing = started.pairing.then((r: unknown) => (r instanceof Error ? (r as { code?: string }).code : 'paired'));
  const event = await started.prompt;
  const client = { close: async () => {} };
  return { client, event, pairing };
}

describe('Protect window in Chromium', () => {
  it('should approve when the user clicks Approve on the page', async () => {
    const { client, event, pairing } = await startPairing();
    const page = await context.newPage();
    await page.goto(event.url);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('heading', { name: 'Paired.' }).waitFor();
    expect(await pairing).toBe('paired');
    await page.close();
    await client.close();
  });

  it('should refuse a cross-origin page that auto-submits the approval form', async () => {
    const { client, event } = await startPairing();
    const page = await context.newPage();
    const url = new URL(event.url);
    const action = `${url.origin}${url.pathname}/approve?token=${url.searchParams.get('token')}`;
    const port = (attacker.address() as AddressInfo).port;
    const response = page.waitForResponse((r) => r.url().startsWith(`${url.origin}${url.pathname}/approve`));
    await page.goto(`http://localhost:${port}/${encodeURIComponent(action)}`);
    expect((await response).status()).toBe(403);
    expect(daemon.protect.pending().map((p) => p.id)).toContain(event.protectId);
    await page.close();
    await client.close();
  });
});
