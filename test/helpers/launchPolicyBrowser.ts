/**
 * Headless Chromium WITHOUT --load-extension, for an extension that IT policy force-installs.
 * Playwright's default `--disable-extensions` and `--disable-background-networking` each stop a
 * policy install (checked on Chromium 156), so both are dropped; the policy itself must set
 * `DeveloperToolsAvailability: 1`, or a policy-installed extension hides its worker from the test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Worker } from 'playwright-core';
import { installNativeHost } from '../../daemon/src/nativeHost/installNativeHost.js';
import { CHROMIUM_PATH, type ExtensionBrowser, recordExtensionLog } from '../../dev/browser.js';

/** Starts Chromium and waits (bounded by `timeoutMs`) for the policy-installed extension's worker. */
export async function launchPolicyBrowser(
  extensionId: string,
  timeoutMs = 60_000,
  /** The daemon's data dir: the native-messaging host is installed into the profile for `extensionId`. */
  daemonDataDir?: string,
): Promise<ExtensionBrowser> {
  const profileDir = await mkdtemp(join(tmpdir(), 'keybound-chromium-policy-'));
  let context: BrowserContext | undefined;
  try {
    if (daemonDataDir !== undefined) {
      await installNativeHost({
        browsers: ['chromium'],
        userDataDir: profileDir,
        dataDir: daemonDataDir,
        extensionIds: [extensionId],
      });
    }
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      ignoreDefaultArgs: ['--disable-extensions', '--disable-background-networking'],
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
    });
    const extensionLog = recordExtensionLog(context);
    const worker = await policyExtensionWorker(context, extensionId, timeoutMs);
    const opened = context;
    return {
      context: opened,
      worker,
      extensionId: new URL(worker.url()).host,
      extensionLog,
      profileDir,
      close: async () => {
        await opened.close().catch(() => {});
        await rm(profileDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await context?.close().catch(() => {});
    await rm(profileDir, { recursive: true, force: true });
    throw err;
  }
}

async function policyExtensionWorker(context: BrowserContext, extensionId: string, timeoutMs: number): Promise<Worker> {
  const matches = (w: Worker) => w.url().startsWith(`chrome-extension://${extensionId}/`);
  const existing = context.serviceWorkers().find(matches);
  if (existing) return existing;
  try {
    return await context.waitForEvent('serviceworker', { predicate: matches, timeout: timeoutMs });
  } catch (err) {
    const seen = context.serviceWorkers().map((w) => w.url());
    throw new Error(
      `The policy did not install extension ${extensionId} within ${timeoutMs} ms (workers seen: ${seen.join(', ') || 'none'}); check the update URL and chrome://policy`,
      { cause: err },
    );
  }
}
