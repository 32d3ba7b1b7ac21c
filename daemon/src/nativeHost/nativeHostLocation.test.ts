import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXTENSION_ID, NATIVE_HOST_NAME } from '../../../shared/extensionIdentity.js';
import { makeTempDir } from '../../../test/helpers/daemonHarness.js';
import { installNativeHost, uninstallNativeHost } from './installNativeHost.js';
import { nativeHostLocation } from './nativeHostLocation.js';

const env = { HOME: '/home/ann' };

describe('nativeHostLocation', () => {
  it('uses each browser’s documented per-user and system folders on Linux', () => {
    expect(nativeHostLocation({ browser: 'chrome', platform: 'linux', env }).dir).toBe(
      '/home/ann/.config/google-chrome/NativeMessagingHosts',
    );
    expect(
      nativeHostLocation({ browser: 'chromium', platform: 'linux', env: { ...env, XDG_CONFIG_HOME: '/x' } }).dir,
    ).toBe('/x/chromium/NativeMessagingHosts');
    expect(nativeHostLocation({ browser: 'edge', platform: 'linux', env, system: true }).dir).toBe(
      '/etc/opt/edge/native-messaging-hosts',
    );
    expect(nativeHostLocation({ browser: 'chromium', platform: 'linux', env, system: true }).dir).toBe(
      '/etc/chromium/native-messaging-hosts',
    );
  });

  it('a --user-data-dir profile reads <dir>/NativeMessagingHosts (chrome_paths.cc)', () => {
    expect(nativeHostLocation({ browser: 'chromium', platform: 'linux', env, userDataDir: '/tmp/p' }).dir).toBe(
      '/tmp/p/NativeMessagingHosts',
    );
  });

  it('macOS folders and the Windows registry keys', () => {
    expect(nativeHostLocation({ browser: 'chrome', platform: 'darwin', env }).dir).toBe(
      '/home/ann/Library/Application Support/Google/Chrome/NativeMessagingHosts',
    );
    expect(nativeHostLocation({ browser: 'chrome', platform: 'darwin', env, system: true }).dir).toBe(
      '/Library/Google/Chrome/NativeMessagingHosts',
    );
    const win = nativeHostLocation({ browser: 'edge', platform: 'win32', env: { LOCALAPPDATA: 'C:\\U\\L' } });
    expect(win).toMatchObject({ kind: 'registry', key: 'HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts' });
    expect(nativeHostLocation({ browser: 'chrome', platform: 'win32', env, system: true })).toMatchObject({
      key: 'HKLM\\Software\\Google\\Chrome\\NativeMessagingHosts',
    });
  });
});

describe('installNativeHost / uninstallNativeHost', () => {
  it('writes a manifest naming only the Keybound extension and an executable launcher; uninstall removes both', async () => {
    const profile = await makeTempDir('kb-nm-');
    const [done] = await installNativeHost({
      browsers: ['chromium'],
      userDataDir: profile,
      dataDir: "/tmp/it's data",
    });
    expect(done!.manifestPath).toBe(join(profile, 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`));
    const manifest = JSON.parse(await readFile(done!.manifestPath, 'utf8'));
    expect(manifest).toEqual({
      name: NATIVE_HOST_NAME,
      description: expect.any(String),
      path: done!.launcherPath,
      type: 'stdio',
      allowed_origins: [`chrome-extension://${EXTENSION_ID}/`],
    });
    const launcher = await readFile(done!.launcherPath, 'utf8');
    expect(launcher).toMatch(/^#!\/bin\/sh\n/);
    expect(launcher).toContain(`'native-host' '--data-dir' '/tmp/it'\\''s data' "$@"`);
    expect((await stat(done!.launcherPath)).mode & 0o111).not.toBe(0);

    expect(await uninstallNativeHost({ browsers: ['chromium'], userDataDir: profile })).toEqual([done!.manifestPath]);
    await expect(stat(done!.manifestPath)).rejects.toThrow();
    await expect(stat(done!.launcherPath)).rejects.toThrow();
    expect(await uninstallNativeHost({ browsers: ['chromium'], userDataDir: profile })).toEqual([]);
  });

  it('on Windows registers the manifest path under the browser key (reg.exe)', async () => {
    const dir = await makeTempDir('kb-nmw-');
    const calls: string[][] = [];
    const reg = async (args: string[]) => {
      calls.push(args);
    };
    const [done] = await installNativeHost({
      browsers: ['chrome'],
      platform: 'win32',
      keyboundDir: dir,
      reg,
      hostCommand: ['C:\\node.exe', 'C:\\kb\\bin\\keybound.js'],
    });
    expect(calls[0]).toEqual([
      'add',
      `HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`,
      '/ve',
      '/t',
      'REG_SZ',
      '/d',
      done!.manifestPath,
      '/f',
    ]);
    expect(await readFile(done!.launcherPath, 'utf8')).toBe(
      '@echo off\r\n"C:\\node.exe" "C:\\kb\\bin\\keybound.js" "native-host" %*\r\n',
    );
    await uninstallNativeHost({ browsers: ['chrome'], platform: 'win32', keyboundDir: dir, reg });
    expect(calls[1]?.[0]).toBe('delete');
  });

  it('refuses an extension id that is not one', async () => {
    await expect(
      installNativeHost({ browsers: ['chromium'], userDataDir: await makeTempDir('kb-nm-'), extensionIds: ['nope'] }),
    ).rejects.toThrow(/Not a Chrome extension id/);
  });
});
