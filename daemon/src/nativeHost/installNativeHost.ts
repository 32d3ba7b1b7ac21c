/**
 * `keybound native-host install|uninstall`: writes (or removes) the host manifest and a small
 * launcher for each chosen browser, in the browser's documented per-user or system location
 * ({@link nativeHostLocation}). Used by `keybound install` (fleet), `npm start` and the demo.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { NATIVE_HOST_NAME } from '../../../shared/extensionIdentity.js';
import { type LocationArgs, type NativeHostBrowser, nativeHostLocation } from './nativeHostLocation.js';
import { nativeHostManifest } from './nativeHostManifest.js';

export interface NativeHostInstallOptions extends Omit<LocationArgs, 'browser'> {
  browsers: readonly NativeHostBrowser[];
  /** Baked into the launcher: the daemon data dir the host should use (default: the user's). */
  dataDir?: string;
  /** Extension ids allowed to start the host (default: Keybound's own, shared/extensionIdentity.ts). */
  extensionIds?: readonly string[];
  /** The command that runs the keybound CLI (default: this Node and this package's bin/keybound.js). */
  hostCommand?: readonly string[];
  /** Windows registry writer; tests on Linux swap it. */
  reg?: (args: string[]) => Promise<void>;
}

export interface InstalledHost {
  browser: NativeHostBrowser;
  manifestPath: string;
  launcherPath: string;
  registryKey?: string;
}

/** Writes the manifest and launcher for every browser; returns what it wrote. */
export async function installNativeHost(options: NativeHostInstallOptions): Promise<InstalledHost[]> {
  const platform = options.platform ?? process.platform;
  const done: InstalledHost[] = [];
  for (const browser of options.browsers) {
    const location = nativeHostLocation({ ...options, browser, platform });
    await mkdir(location.dir, { recursive: true, mode: 0o755 });
    const launcherPath = join(
      location.dir,
      platform === 'win32' ? `${NATIVE_HOST_NAME}.cmd` : `${NATIVE_HOST_NAME}.sh`,
    );
    await writeFile(launcherPath, launcher(options, platform), { mode: 0o755 });
    const manifestPath = join(location.dir, `${NATIVE_HOST_NAME}.json`);
    const manifest = nativeHostManifest(launcherPath, options.extensionIds);
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o644 });
    if (location.kind === 'registry') {
      // COMPAT(untested: no Windows here) — `reg add KEY\NAME /ve /d <manifest path> /f`, as documented.
      await (options.reg ?? runReg)([
        'add',
        `${location.key}\\${NATIVE_HOST_NAME}`,
        '/ve',
        '/t',
        'REG_SZ',
        '/d',
        manifestPath,
        '/f',
      ]);
    }
    done.push({
      browser,
      manifestPath,
      launcherPath,
      ...(location.kind === 'registry' ? { registryKey: `${location.key}\\${NATIVE_HOST_NAME}` } : {}),
    });
  }
  return done;
}

/** Removes what {@link installNativeHost} wrote; returns the manifests that existed. */
export async function uninstallNativeHost(
  options: Omit<NativeHostInstallOptions, 'dataDir' | 'hostCommand'>,
): Promise<string[]> {
  const platform = options.platform ?? process.platform;
  const removed: string[] = [];
  for (const browser of options.browsers) {
    const location = nativeHostLocation({ ...options, browser, platform });
    const manifestPath = join(location.dir, `${NATIVE_HOST_NAME}.json`);
    if (existsSync(manifestPath)) removed.push(manifestPath);
    await rm(manifestPath, { force: true });
    await rm(join(location.dir, `${NATIVE_HOST_NAME}.sh`), { force: true });
    await rm(join(location.dir, `${NATIVE_HOST_NAME}.cmd`), { force: true });
    if (location.kind === 'registry') {
      await (options.reg ?? runReg)(['delete', `${location.key}\\${NATIVE_HOST_NAME}`, '/f']).catch(() => undefined);
    }
  }
  return removed;
}

/** The launcher script: Chrome runs `path` with the caller's origin as the only argument. */
function launcher(options: NativeHostInstallOptions, platform: NodeJS.Platform): string {
  const command = [...(options.hostCommand ?? defaultHostCommand()), 'native-host'];
  if (options.dataDir !== undefined) command.push('--data-dir', options.dataDir);
  if (platform === 'win32') {
    // COMPAT(untested: no Windows here)
    return `@echo off\r\n${command.map((a) => `"${a.replaceAll('"', '""')}"`).join(' ')} %*\r\n`;
  }
  const quoted = command.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return `#!/bin/sh\n# Written by \`keybound native-host install\`. The browser starts it for the Keybound extension.\nexec ${quoted} "$@"\n`;
}

/** This Node binary and the package's bin/keybound.js, found by walking up from this module. */
export function defaultHostCommand(): string[] {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const bin = join(dir, 'bin', 'keybound.js');
    if (existsSync(bin)) return [process.execPath, bin];
    dir = dirname(dir);
  }
  throw new TypeError('Cannot find bin/keybound.js above this module; pass hostCommand');
}

async function runReg(args: string[]): Promise<void> {
  await promisify(execFile)('reg.exe', args, { windowsHide: true });
}
