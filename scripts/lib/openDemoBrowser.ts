/**
 * Opens a visible Chromium (or Chrome) for `npm start`: the built extension loaded, configured
 * with the portal's origin and the daemon's port (through its own storage, as the options page
 * would), at the portal's sign-in page. The profile lives in the dev data folder so the
 * extension's settings and pairing survive restarts.
 */
import { existsSync } from 'node:fs';
import { type BrowserContext, chromium } from 'playwright-core';
import { installNativeHost } from '../../daemon/src/nativeHost/installNativeHost.js';
import { configureExtension, extensionWorker } from '../../dev/browser.js';

/** Candidate browser binaries, in order; Chromium first (branded Chrome 137+ ignores --load-extension). */
function candidates(): string[] {
  const fromEnv = process.env.KEYBOUND_CHROMIUM ? [process.env.KEYBOUND_CHROMIUM] : [];
  if (process.platform === 'darwin') {
    return [
      ...fromEnv,
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    ];
  }
  if (process.platform === 'win32') {
    const base = [process.env.LOCALAPPDATA, process.env.PROGRAMFILES, process.env['PROGRAMFILES(X86)']];
    return [
      ...fromEnv,
      ...base.filter(Boolean).map((dir) => `${dir}\\Chromium\\Application\\chrome.exe`),
      ...base.filter(Boolean).map((dir) => `${dir}\\Google\\Chrome\\Application\\chrome.exe`),
    ];
  }
  return [...fromEnv, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/snap/bin/chromium'];
}

/** The first browser binary that exists, or undefined. */
export function findBrowser(): string | undefined {
  return candidates().find((path) => existsSync(path));
}

/** Whether a window can be shown here (macOS, Windows, or an X11/Wayland session). */
export function hasDisplay(): boolean {
  return (
    process.platform === 'darwin' ||
    process.platform === 'win32' ||
    Boolean(process.env.DISPLAY) ||
    Boolean(process.env.WAYLAND_DISPLAY)
  );
}

export interface OpenDemoBrowserOptions {
  executablePath: string;
  extensionDir: string;
  profileDir: string;
  portalOrigin: string;
  daemonPort: number;
  /** The daemon's data dir: the native-messaging host is installed into the profile for it. */
  daemonDataDir: string;
  /** For a smoke test where no display exists. */
  headless?: boolean;
}

/** Launches the browser and opens the portal; resolves once the page is there. */
export async function openDemoBrowser(options: OpenDemoBrowserOptions): Promise<BrowserContext> {
  // As `keybound native-host install --browser chromium --user-data-dir <profile> --data-dir <daemon>`.
  await installNativeHost({ browsers: ['chromium'], userDataDir: options.profileDir, dataDir: options.daemonDataDir });
  const context = await chromium.launchPersistentContext(options.profileDir, {
    executablePath: options.executablePath,
    headless: options.headless ?? false,
    viewport: null,
    args: [
      `--disable-extensions-except=${options.extensionDir}`,
      `--load-extension=${options.extensionDir}`,
      '--no-first-run',
      '--no-default-browser-check',
      // Chromium refuses to start as root without it (containers, CI images).
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
  });
  try {
    const worker = await extensionWorker(context);
    await configureExtension(worker, { portalOrigins: [options.portalOrigin], daemonPort: options.daemonPort });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${options.portalOrigin}/`);
    return context;
  } catch (err) {
    await context.close().catch(() => {});
    throw err;
  }
}
