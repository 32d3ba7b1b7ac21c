import { describe, expect, it } from 'vitest';
import { parseOsRelease } from './parseOsRelease.js';
import { firewall, screenLock } from './readHostPosture.js';
import { rootFsEncryption } from './rootFsEncryption.js';

const fsOf = (
  files: Record<string, string>,
  dirs: Record<string, string[]> = {},
  links: Record<string, string> = {},
) => ({
  readFile: async (p: string) => {
    if (p in files) return files[p] as string;
    throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  },
  readdir: async (p: string) => dirs[p] ?? [],
  realpath: async (p: string) => links[p] ?? p,
});

describe('host posture (Linux, without root)', () => {
  it('should read NAME and VERSION_ID from os-release, unknown when absent', () => {
    expect(parseOsRelease('NAME="Debian GNU/Linux"\nVERSION_ID="12"\n')).toEqual({
      osName: 'Debian GNU/Linux',
      osVersion: '12',
    });
    expect(parseOsRelease('ID=arch\n')).toEqual({ osName: 'arch', osVersion: 'unknown' });
  });

  it('should report LUKS under LVM under / as encrypted, a plain disk as off, overlay as unknown', async () => {
    const luks = fsOf(
      {
        '/proc/self/mounts': '/dev/mapper/vg-root / ext4 rw 0 0\n',
        '/sys/block/dm-1/dm/uuid': 'LVM-abc',
        '/sys/block/dm-0/dm/uuid': 'CRYPT-LUKS2-x',
      },
      { '/sys/block/dm-1/slaves': ['dm-0'] },
      { '/dev/mapper/vg-root': '/dev/dm-1' },
    );
    expect(await rootFsEncryption(luks)).toBe('on');
    expect(await rootFsEncryption(fsOf({ '/proc/self/mounts': '/dev/sda1 / ext4 rw 0 0\n' }))).toBe('off');
    expect(await rootFsEncryption(fsOf({ '/proc/self/mounts': 'overlay / overlay rw 0 0\n' }))).toBe('unknown');
    expect(await rootFsEncryption(fsOf({}))).toBe('unknown');
  });

  it('should say on for ufw enabled or an active firewalld, off only when ufw is off and nothing runs, else unknown', async () => {
    const read = (t?: string) => async () => {
      if (t === undefined) throw new Error('ENOENT');
      return t;
    };
    const states = (firewalld?: string, nft?: string) => async (_f: string, args: string[]) =>
      args[1] === 'firewalld.service' ? firewalld : nft;
    expect(await firewall(states('inactive', 'inactive'), read('ENABLED=yes\n'))).toBe('on');
    expect(await firewall(states('active\n', 'inactive'), read())).toBe('on');
    expect(await firewall(states('inactive\n', 'inactive\n'), read('ENABLED=no\n'))).toBe('off');
    expect(await firewall(states('inactive\n', 'inactive\n'), read())).toBe('unknown');
    expect(await firewall(states(undefined, undefined), read('ENABLED=no\n'))).toBe('unknown');
  });

  it('should read the screen lock only in a GNOME session', async () => {
    const answer = (out: string | undefined) => async () => out;
    expect(await screenLock(answer('true\n'), 'ubuntu:GNOME')).toBe('on');
    expect(await screenLock(answer('false\n'), 'GNOME')).toBe('off');
    expect(await screenLock(answer('true\n'), undefined)).toBe('unknown');
    expect(await screenLock(answer(undefined), 'GNOME')).toBe('unknown');
  });
});
