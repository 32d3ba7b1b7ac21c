/**
 * Is the root filesystem on dm-crypt (LUKS)? Read without root from /proc/self/mounts and sysfs:
 * follow the root device's device-mapper chain (`/sys/block/dm-N/slaves`) and look for a
 * `CRYPT-` dm uuid. "off" only when the chain ends at a disk with no crypt layer; overlay, NFS
 * and anything unreadable is "unknown" (a container's root says nothing about the disk).
 */
import { readdir, readFile, realpath } from 'node:fs/promises';

export interface FsReader {
  readFile(path: string): Promise<string>;
  readdir(path: string): Promise<string[]>;
  realpath(path: string): Promise<string>;
}

const nodeFs: FsReader = {
  readFile: (p) => readFile(p, 'utf8'),
  readdir: (p) => readdir(p),
  realpath: (p) => realpath(p),
};

export async function rootFsEncryption(fs: FsReader = nodeFs): Promise<'on' | 'off' | 'unknown'> {
  try {
    const mounts = await fs.readFile('/proc/self/mounts');
    const root = mounts
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => f[1] === '/')
      .at(-1);
    const source = root?.[0];
    if (!source?.startsWith('/dev/')) return 'unknown';
    const name = (await fs.realpath(source)).replace(/^\/dev\//, '');
    return (await chainHasCrypt(fs, name, 0)) ? 'on' : 'off';
  } catch {
    return 'unknown';
  }
}

async function chainHasCrypt(fs: FsReader, name: string, depth: number): Promise<boolean> {
  if (depth > 8) throw new Error('device chain too deep');
  if (!name.startsWith('dm-')) return false;
  const uuid = (await fs.readFile(`/sys/block/${name}/dm/uuid`)).trim();
  if (uuid.startsWith('CRYPT-')) return true;
  for (const slave of await fs.readdir(`/sys/block/${name}/slaves`)) {
    if (await chainHasCrypt(fs, slave, depth + 1)) return true;
  }
  return false;
}
