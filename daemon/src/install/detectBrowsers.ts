/**
 * Which Chromium-family browsers this user has, so `keybound install` writes native-messaging
 * manifests only where a browser will read them: a browser counts as installed when one of its
 * programs is on PATH (Linux), its app bundle exists (macOS), or its per-user data folder exists.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { NATIVE_HOST_BROWSERS, type NativeHostBrowser, nativeHostLocation } from '../nativeHost/nativeHostLocation.js';

const LINUX_PROGRAMS: Record<NativeHostBrowser, string[]> = {
  chrome: ['google-chrome', 'google-chrome-stable'],
  chromium: ['chromium', 'chromium-browser'],
  edge: ['microsoft-edge', 'microsoft-edge-stable'],
  brave: ['brave-browser', 'brave'],
};
const MAC_APPS: Record<NativeHostBrowser, string> = {
  chrome: '/Applications/Google Chrome.app',
  chromium: '/Applications/Chromium.app',
  edge: '/Applications/Microsoft Edge.app',
  brave: '/Applications/Brave Browser.app',
};

export function detectBrowsers(options: { platform: NodeJS.Platform; env: NodeJS.ProcessEnv }): NativeHostBrowser[] {
  const { platform, env } = options;
  // COMPAT(untested: no Windows here) — Windows has no cheap check that needs no registry: write for the two usual ones.
  if (platform === 'win32') return ['chrome', 'edge'];
  return NATIVE_HOST_BROWSERS.filter((browser) => {
    if (platform === 'darwin' && existsSync(MAC_APPS[browser])) return true;
    if (platform === 'linux' && LINUX_PROGRAMS[browser].some((p) => onPath(p, env))) return true;
    // The per-user data folder: the parent of its NativeMessagingHosts folder.
    return existsSync(join(nativeHostLocation({ browser, platform, env }).dir, '..'));
  });
}

function onPath(program: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, program)));
}
