/**
 * Where each browser looks for a native-messaging host manifest, per the browsers' documentation
 * (developer.chrome.com "Native messaging", learn.microsoft.com "Native messaging" for Edge) and
 * Chromium's chrome_paths.cc: the per-user folder is `<user data dir>/NativeMessagingHosts`, so a
 * browser started with `--user-data-dir DIR` reads `DIR/NativeMessagingHosts` (what tests and
 * `npm start` use). On Windows the browser reads a registry key whose default value is the path of
 * the manifest file, which then may live anywhere.
 */
import { join } from 'node:path';

export type NativeHostBrowser = 'chrome' | 'chromium' | 'edge' | 'brave';
export const NATIVE_HOST_BROWSERS: readonly NativeHostBrowser[] = ['chrome', 'chromium', 'edge', 'brave'];

export type NativeHostLocation =
  /** The manifest is the file `<dir>/<host name>.json`. */
  | { kind: 'file'; browser: NativeHostBrowser; dir: string }
  /** Windows: the manifest file sits in `dir`; the registry key's default value names it. */
  | { kind: 'registry'; browser: NativeHostBrowser; dir: string; key: string };

export interface LocationArgs {
  browser: NativeHostBrowser;
  /** All users of the machine (needs administrator rights) instead of the current user. */
  system?: boolean;
  /** A browser profile started with `--user-data-dir`: its own NativeMessagingHosts folder. */
  userDataDir?: string;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** The per-user Keybound folder (Windows keeps the manifest file there). */
  keyboundDir?: string;
}

/** Per-user data folders, relative to the OS's config folder (Linux) or Application Support (macOS). */
const LINUX_USER: Record<NativeHostBrowser, string> = {
  chrome: 'google-chrome',
  chromium: 'chromium',
  edge: 'microsoft-edge',
  brave: 'BraveSoftware/Brave-Browser', // COMPAT(untested: Brave not installed here)
};
const LINUX_SYSTEM: Record<NativeHostBrowser, string> = {
  chrome: '/etc/opt/chrome/native-messaging-hosts',
  chromium: '/etc/chromium/native-messaging-hosts',
  edge: '/etc/opt/edge/native-messaging-hosts',
  brave: '/etc/opt/chrome/native-messaging-hosts', // COMPAT(untested: Brave reads Chrome's system folder)
};
const MAC_USER: Record<NativeHostBrowser, string> = {
  chrome: 'Google/Chrome',
  chromium: 'Chromium',
  edge: 'Microsoft Edge',
  brave: 'BraveSoftware/Brave-Browser',
};
const MAC_SYSTEM: Record<NativeHostBrowser, string> = {
  chrome: '/Library/Google/Chrome/NativeMessagingHosts',
  chromium: '/Library/Application Support/Chromium/NativeMessagingHosts',
  edge: '/Library/Microsoft/Edge/NativeMessagingHosts',
  brave: '/Library/Google/Chrome/NativeMessagingHosts', // COMPAT(untested: no macOS here)
};
const WINDOWS_KEY: Record<NativeHostBrowser, string> = {
  chrome: 'Software\\Google\\Chrome\\NativeMessagingHosts',
  chromium: 'Software\\Chromium\\NativeMessagingHosts',
  edge: 'Software\\Microsoft\\Edge\\NativeMessagingHosts',
  brave: 'Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts',
};

/** The manifest location for one browser (pure; no file system access). */
export function nativeHostLocation(args: LocationArgs): NativeHostLocation {
  const platform = args.platform ?? process.platform;
  const env = args.env ?? process.env;
  const home = env.HOME ?? env.USERPROFILE ?? '';
  const { browser } = args;
  if (args.userDataDir !== undefined) {
    if (platform === 'win32') throw new TypeError('--user-data-dir: Windows browsers read the registry, not a folder');
    return { kind: 'file', browser, dir: join(args.userDataDir, 'NativeMessagingHosts') };
  }
  if (platform === 'win32') {
    // COMPAT(untested: no Windows here) — HKCU for the user, HKLM for all users, as documented.
    const hive = args.system ? 'HKLM' : 'HKCU';
    const base = args.system
      ? join(env.ProgramData ?? 'C:\\ProgramData', 'Keybound')
      : (args.keyboundDir ?? join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'Keybound'));
    return { kind: 'registry', browser, dir: join(base, 'native-host'), key: `${hive}\\${WINDOWS_KEY[browser]}` };
  }
  if (platform === 'darwin') {
    // COMPAT(untested: no macOS here)
    if (args.system) return { kind: 'file', browser, dir: MAC_SYSTEM[browser] };
    return {
      kind: 'file',
      browser,
      dir: join(home, 'Library', 'Application Support', MAC_USER[browser], 'NativeMessagingHosts'),
    };
  }
  if (args.system) return { kind: 'file', browser, dir: LINUX_SYSTEM[browser] };
  const config = env.XDG_CONFIG_HOME || join(home, '.config');
  return { kind: 'file', browser, dir: join(config, LINUX_USER[browser], 'NativeMessagingHosts') };
}
