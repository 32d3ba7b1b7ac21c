/**
 * Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it over
 * the target, fsync the directory. A crash at any point leaves either the old file or the new one,
 * never a half-written file (DESIGN.md, "State files are written atomically").
 */
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { faultPoint } from './faultPoint.js';

/** The file-system calls atomicWriteFile makes; tests inject failures between steps. */
export interface AtomicFs {
  open: typeof fsp.open;
  rename: typeof fsp.rename;
  rm: typeof fsp.rm;
}

const defaultFs: AtomicFs = { open: fsp.open, rename: fsp.rename, rm: fsp.rm };

/**
 * Atomically replaces `path` with `data`, created with `mode` (default 0600: state is per-user).
 * On failure the temp file is removed and the old file is left untouched; the error is rethrown.
 */
export async function atomicWriteFile(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number; fs?: AtomicFs } = {},
): Promise<void> {
  const fs = options.fs ?? defaultFs;
  const mode = options.mode ?? 0o600;
  const dir = dirname(path);
  // Same directory as the target so rename() is atomic (same file system).
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await fs.open(tmp, 'wx', mode);
    try {
      await handle.writeFile(data);
      // open()'s mode is filtered by the umask; chmod makes 0600 exact.
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    faultPoint(`before rename ${basename(path)}`);
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir, fs);
  faultPoint(`after rename ${basename(path)}`);
}

/** fsync the directory so the rename itself survives a power loss (no-op where unsupported). */
async function syncDirectory(dir: string, fs: AtomicFs): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
