/**
 * Posture signals of a Linux host, read without root: os-release, dm-crypt under the root
 * filesystem, the firewall service's state (ufw's config, or systemd's view of firewalld or
 * nftables), and GNOME's screen-lock setting. What cannot be read is "unknown", never a guess.
 * macOS and Windows return "unknown" for all but the OS (COMPAT: not implemented there yet).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { PostureSignals } from '../../../../../shared/device/postureSchema.js';
import { parseOsRelease } from './parseOsRelease.js';
import { rootFsEncryption } from './rootFsEncryption.js';

type HostSignals = Pick<PostureSignals, 'osName' | 'osVersion' | 'diskEncryption' | 'firewall' | 'screenLock'>;
const TIMEOUT_MS = 3_000;

export async function readHostPosture(
  options: { platform?: NodeJS.Platform; run?: RunStatus; read?: (path: string) => Promise<string> } = {},
): Promise<HostSignals> {
  const platform = options.platform ?? process.platform;
  const run = options.run ?? runStatus;
  const read = options.read ?? ((p: string) => readFile(p, 'utf8'));
  if (platform !== 'linux') {
    return {
      osName: platform,
      osVersion: 'unknown',
      diskEncryption: 'unknown',
      firewall: 'unknown',
      screenLock: 'unknown',
    };
  }
  const os = await read('/etc/os-release').then(parseOsRelease, () => ({ osName: 'Linux', osVersion: 'unknown' }));
  return {
    ...os,
    diskEncryption: await rootFsEncryption(),
    firewall: await firewall(run, read),
    screenLock: await screenLock(run),
  };
}

/**
 * "on" when ufw's config is enabled or a firewalld / nftables service is active. "off" only when
 * ufw is installed and switched off and neither service runs; otherwise "unknown" (without root,
 * rules loaded another way cannot be seen).
 */
export async function firewall(
  run: RunStatus,
  read: (p: string) => Promise<string>,
): Promise<'on' | 'off' | 'unknown'> {
  const ufw = await read('/etc/ufw/ufw.conf').then(
    (t) => (/^\s*ENABLED\s*=\s*yes\s*$/im.test(t) ? 'on' : 'off'),
    () => 'absent' as const,
  );
  if (ufw === 'on') return 'on';
  let allInactive = true;
  for (const unit of ['firewalld.service', 'nftables.service']) {
    const state = (await run('systemctl', ['is-active', unit]))?.trim();
    if (state === 'active') return 'on';
    if (state !== 'inactive' && state !== 'unknown' && state !== 'failed') allInactive = false;
  }
  return ufw === 'off' && allInactive ? 'off' : 'unknown';
}

/** Runs a command and resolves its stdout whatever the exit status (undefined if it cannot run). */
export type RunStatus = (file: string, args: string[]) => Promise<string | undefined>;

export const runStatus: RunStatus = (file, args) =>
  new Promise((resolve) => {
    execFile(file, args, { timeout: TIMEOUT_MS, maxBuffer: 64 * 1024, windowsHide: true }, (err, stdout) => {
      resolve(err && typeof (err as { code?: unknown }).code === 'string' ? undefined : stdout);
    });
  });

/**
 * GNOME's org.gnome.desktop.screensaver lock-enabled, read only inside a GNOME session: elsewhere
 * gsettings answers the schema's default, which says nothing about this desktop. Others: unknown.
 */
export async function screenLock(
  run: RunStatus,
  desktop: string | undefined = process.env.XDG_CURRENT_DESKTOP,
): Promise<'on' | 'off' | 'unknown'> {
  if (!desktop?.toLowerCase().split(':').includes('gnome')) return 'unknown';
  const out = (await run('gsettings', ['get', 'org.gnome.desktop.screensaver', 'lock-enabled']))?.trim();
  return out === 'true' ? 'on' : out === 'false' ? 'off' : 'unknown';
}
