import { mkdtemp, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AtomicFs, atomicWriteFile } from './atomicWriteFile.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'kb-atomic-'));
  dirs.push(d);
  return d;
}

/** A file system whose handles fail at `sync`, or whose rename fails: a crash between temp file and rename. */
function failingFs(step: 'rename' | 'sync'): AtomicFs {
  return {
    rm,
    rename:
      step === 'rename' ? async () => Promise.reject(Object.assign(new Error('EIO: rename'), { code: 'EIO' })) : rename,
    open: (async (path: string, flags?: string, mode?: number) => {
      const handle = await open(path, flags, mode);
      if (step === 'sync' && flags === 'wx') {
        handle.sync = async () => Promise.reject(Object.assign(new Error('EIO: fsync'), { code: 'EIO' }));
      }
      return handle;
    }) as AtomicFs['open'],
  };
}

describe('atomicWriteFile', () => {
  it('should write the file with mode 0600 when no mode is given', async () => {
    const path = join(await tempDir(), 'state.json');
    await atomicWriteFile(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('should replace an existing file completely when it succeeds', async () => {
    const path = join(await tempDir(), 'state.json');
    await writeFile(path, 'old content that is longer');
    await atomicWriteFile(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
  });

  it.each(['rename', 'sync'] as const)(
    'should leave the old state intact and no temp file when %s fails',
    async (step) => {
      const dir = await tempDir();
      const path = join(dir, 'state.json');
      await writeFile(path, 'old');
      await expect(atomicWriteFile(path, 'new', { fs: failingFs(step) })).rejects.toThrow(/EIO/);
      expect(await readFile(path, 'utf8')).toBe('old');
      expect(await readdir(dir)).toEqual(['state.json']);
    },
  );
});
