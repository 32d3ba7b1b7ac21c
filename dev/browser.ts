/**
 * Helpers for browser tests: launch headless Chromium with the built extension, reach its service
 * worker, configure it, open pages, call the page API as a portal would, and find the Protect
 * window. Every launch gets its own temporary profile, removed by `close()`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';
import { installNativeHost } from '../daemon/src/nativeHost/installNativeHost.js';
import { EXTENSION_ID } from '../extension/src/extensionId.js';
import type { LocalSettings } from '../extension/src/settings/settingsSchema.js';
import { CHROME_EXTENSION_DIR, ensureExtensionBuilt } from './buildExtension.js';

/** The part of `chrome.*` these helpers use inside the worker. */
interface WorkerChrome {
  scripting: { getRegisteredContentScripts(): Promise<{ matches?: string[] }[]> };
  storage: {
    local: { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> };
  };
}

export const CHROMIUM_PATH = process.env.KEYBOUND_CHROMIUM ?? '/usr/bin/chromium';

export interface ExtensionBrowser extends HeadlessChromium {
  /** The extension's service worker. */
  worker: Worker;
  /** The id Chromium gave the extension (equals EXTENSION_ID when the manifest key is intact). */
  extensionId: string;
  /**
   * The extension's own log lines (`{"event":…,"code":…}`, codes only, never page data) since
   * launch, the last {@link EXTENSION_LOG_LINES}: what a failing test prints to say where a flow stopped.
   */
  extensionLog(): string[];
}

export const EXTENSION_LOG_LINES = 60;

export interface LaunchOptions {
  extensionDir?: string;
  /** Local settings written before the test starts (e.g. the portal origins). */
  settings?: Partial<LocalSettings>;
  /** Extra Chromium arguments. */
  args?: string[];
  /**
   * The daemon's data dir: installs the native-messaging host into this profile
   * (`<profile>/NativeMessagingHosts`, which Chromium reads for `--user-data-dir`), as
   * `keybound native-host install --user-data-dir` does. Without it the extension finds no host.
   */
  daemonDataDir?: string;
  /** Extension ids the host manifest allows (default: the pinned Keybound id). */
  nativeHostExtensionIds?: string[];
}

/** Headless Chromium's flags for every test and benchmark browser (with or without the extension). */
export const HEADLESS_CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox', // running as root in CI containers
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface HeadlessChromium {
  context: BrowserContext;
  profileDir: string;
  /** Closes the browser and removes the profile. */
  close(): Promise<void>;
}

/**
 * The one way tests and benchmarks start a browser: headless Chromium in its own temporary
 * profile, with the extension in `extensionDir` loaded if given.
 */
export async function launchChromium(
  options: Pick<LaunchOptions, 'extensionDir' | 'args' | 'daemonDataDir' | 'nativeHostExtensionIds'> = {},
): Promise<HeadlessChromium> {
  const profileDir = await mkdtemp(join(tmpdir(), 'keybound-chromium-'));
  const extensionArgs = options.extensionDir
    ? [`--disable-extensions-except=${options.extensionDir}`, `--load-extension=${options.extensionDir}`]
    : [];
  try {
    if (options.daemonDataDir !== undefined) {
      await installNativeHost({
        browsers: ['chromium'],
        userDataDir: profileDir,
        dataDir: options.daemonDataDir,
        ...(options.nativeHostExtensionIds ? { extensionIds: options.nativeHostExtensionIds } : {}),
      });
    }
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...extensionArgs, ...HEADLESS_CHROMIUM_ARGS, ...(options.args ?? [])],
    });
    return {
      context,
      profileDir,
      close: async () => {
        await context.close().catch(() => {});
        await rm(profileDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(profileDir, { recursive: true, force: true });
    throw err;
  }
}

/** Launches headless Chromium with the extension loaded and waits for its service worker. */
export async function launchWithExtension(options: LaunchOptions = {}): Promise<ExtensionBrowser> {
  const extensionDir = options.extensionDir ?? (await ensureExtensionBuilt()) ?? CHROME_EXTENSION_DIR;
  const browser = await launchChromium({
    extensionDir,
    ...(options.args ? { args: options.args } : {}),
    ...(options.daemonDataDir !== undefined ? { daemonDataDir: options.daemonDataDir } : {}),
    ...(options.nativeHostExtensionIds ? { nativeHostExtensionIds: options.nativeHostExtensionIds } : {}),
  });
  const extensionLog = recordExtensionLog(browser.context);
  try {
    const worker = await extensionWorker(browser.context);
    const extensionId = new URL(worker.url()).host;
    if (options.settings) await configureExtension(worker, options.settings);
    return { ...browser, worker, extensionId, extensionLog };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/**
 * Keeps the extension's structured log lines from now on (the last {@link EXTENSION_LOG_LINES}),
 * each with the milliseconds since this call. The worker's console reaches the context, and
 * survives a restart of the worker; pages' consoles are left out.
 */
export function recordExtensionLog(context: BrowserContext): () => string[] {
  const log: string[] = [];
  const started = Date.now();
  context.on('console', (message) => {
    if (message.page() !== null || !message.text().startsWith('{"event":')) return;
    log.push(`+${Date.now() - started} ms ${message.text()}`);
    if (log.length > EXTENSION_LOG_LINES) log.shift();
  });
  return () => [...log];
}

/** The extension's service worker (waits for it to start if needed). */
export async function extensionWorker(context: BrowserContext, extensionId?: string): Promise<Worker> {
  const matches = (w: Worker) => w.url().startsWith(`chrome-extension://${extensionId ?? ''}`);
  const existing = context.serviceWorkers().find(matches);
  return existing ?? context.waitForEvent('serviceworker', { predicate: matches, timeout: 15_000 });
}

/** Writes local settings (merged with what is stored) through the worker, as the options page would. */
export async function configureExtension(worker: Worker, settings: Partial<LocalSettings>): Promise<void> {
  await worker.evaluate(async (patch) => {
    const api = (globalThis as unknown as { chrome: WorkerChrome }).chrome;
    const stored = ((await api.storage.local.get('settings')).settings as object | undefined) ?? {};
    await api.storage.local.set({ settings: { ...stored, ...patch } });
  }, settings);
  // The worker registers the page bridge for the configured origins once it sees the change;
  // a page opened before that would get no content script.
  const origins = [...(settings.portalOrigins ?? []), ...(settings.ssoLoginOrigins ?? [])];
  if (origins.length > 0) await waitForBridgeRegistration(worker, origins);
}

/** Waits (up to `timeoutMs`) until the page bridge is registered for every origin. */
export async function waitForBridgeRegistration(worker: Worker, origins: string[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const matches = await worker.evaluate(async () => {
      const api = (globalThis as unknown as { chrome: WorkerChrome }).chrome;
      const scripts = await api.scripting.getRegisteredContentScripts();
      return scripts.flatMap((s) => s.matches ?? []);
    });
    if (origins.every((o) => matches.includes(`${o}/*`))) return;
    if (Date.now() > deadline) {
      throw new Error(
        `The page bridge was not registered for ${origins.join(', ')} (registered: ${matches.join(', ') || 'none'})`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Opens a new tab at `url`. */
export async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/**
 * Whether the page got the extension's ready signal within `timeoutMs` (the content script marks
 * `<html data-keybound="ready">` together with posting `{ keybound: 'ready', version: 1 }`).
 */
export async function waitForKeyboundReady(page: Page, timeoutMs = 10_000): Promise<boolean> {
  try {
    await page.waitForFunction(() => document.documentElement.dataset.keybound === 'ready', undefined, {
      timeout: timeoutMs,
    });
    return true;
  } catch {
    return false;
  }
}

export type PageApiAnswer = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

/**
 * Calls the page API from inside the page, exactly as a portal would (docs/page-api.md): one
 * MessageChannel per request. Resolves to the answer, or to `{ ok: false, error: ERR_TIMEOUT }`
 * from this helper when nothing answers within `timeoutMs`.
 */
export async function callPageApi(
  page: Page,
  type: 'status' | 'register' | 'signIn',
  payload: unknown,
  timeoutMs = 15_000,
): Promise<PageApiAnswer> {
  return page.evaluate(
    ([type, payload, timeoutMs]) =>
      new Promise<PageApiAnswer>((resolve) => {
        const channel = new MessageChannel();
        const timer = setTimeout(() => {
          channel.port1.close();
          resolve({ ok: false, error: { code: 'ERR_TIMEOUT', message: 'No answer from the extension' } });
        }, timeoutMs);
        channel.port1.onmessage = (event) => {
          clearTimeout(timer);
          channel.port1.close();
          resolve(event.data);
        };
        window.postMessage({ keybound: 'request', type, payload }, location.origin, [channel.port2]);
      }),
    [type, payload, timeoutMs] as const,
  );
}

/** The Protect window the extension opened (a page on the daemon's `/protect/` path). */
export async function waitForProtectWindow(context: BrowserContext, timeoutMs = 15_000): Promise<Page> {
  const isProtect = (p: Page) => new URL(p.url()).pathname.startsWith('/protect/');
  const existing = context.pages().find(isProtect);
  if (existing) return existing;
  const page = await context.waitForEvent('page', { timeout: timeoutMs });
  if (!isProtect(page)) await page.waitForURL((url) => url.pathname.startsWith('/protect/'), { timeout: timeoutMs });
  return page;
}

/** Whether the install has a stored pairing secret (i.e. it paired with a daemon). */
export async function isPaired(worker: Worker): Promise<boolean> {
  return worker.evaluate(async () => {
    const api = (globalThis as unknown as { chrome: WorkerChrome }).chrome;
    const pairing = (await api.storage.local.get('pairing')).pairing as { secret?: string } | undefined;
    return typeof pairing?.secret === 'string';
  });
}

/**
 * Reads one key of the extension's `storage.local` through an extension page (works while the
 * worker is stopped, and after it was restarted, when a Worker handle may be stale).
 */
export async function readExtensionStorage(context: BrowserContext, key: string, extensionId = EXTENSION_ID) {
  const page = await context.newPage();
  try {
    await page.goto(`chrome-extension://${extensionId}/src/options/options.html`);
    return await page.evaluate(async (k) => {
      const api = (globalThis as unknown as { chrome: WorkerChrome }).chrome;
      return (await api.storage.local.get(k))[k];
    }, key);
  } finally {
    await page.close();
  }
}

/**
 * Stops the extension's service worker, as Chrome does when it is idle (DevTools protocol
 * `ServiceWorker.stopWorker`), and resolves once it is stopped. The next event wakes it.
 */
export async function stopExtensionWorker(context: BrowserContext, extensionId = EXTENSION_ID): Promise<void> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  try {
    type Version = { versionId: string; scriptURL: string; runningStatus: string };
    const scope = `chrome-extension://${extensionId}/`;
    let versions: Version[] = [];
    const updated = (event: { versions: Version[] }) => {
      versions = event.versions.filter((v) => v.scriptURL.startsWith(scope));
    };
    cdp.on('ServiceWorker.workerVersionUpdated', updated);
    await cdp.send('ServiceWorker.enable');
    for (let i = 0; i < 50 && versions.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    for (const version of versions) await cdp.send('ServiceWorker.stopWorker', { versionId: version.versionId });
    for (let i = 0; i < 100 && versions.some((v) => v.runningStatus !== 'stopped'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    if (versions.length === 0 || versions.some((v) => v.runningStatus !== 'stopped')) {
      throw new Error('The extension service worker did not stop');
    }
  } finally {
    await cdp.detach().catch(() => {});
    await page.close();
  }
}

export { EXTENSION_ID };
