/**
 * What a kill -9 can leave behind, removed at daemon start (and logged): temporary files of
 * interrupted atomic writes (`.<name>.<hex>.tmp`, also under keys/) and sealed credential keys
 * no credential refers to (the process died between creating the key and storing the
 * credential, or between deleting the credential and its key).
 *
 * Safe because it runs only in the daemon, before it serves, while its control socket keeps a
 * second daemon off the data dir; the CLI never sweeps. Keys are swept only when
 * credentials.db opened intact and existed before this start (a lost database must not turn
 * every key into an "orphan"), only keys whose sealed record says `credential`, never the
 * device identity key, and never one that cannot be unsealed (it may be another machine's).
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileKeyStore } from '../keys/FileKeyStore.js';

/** The temporary names atomicWriteFile and openCredentialsDatabase use. */
const TMP_NAME = /^\..+\.[0-9a-f]{12}\.tmp(-journal)?$/;

export interface SweepResult {
  tmpFiles: string[];
  orphanKeys: string[];
}

export async function sweepCrashLeftovers(args: {
  dataDir: string;
  /** The file key store, when keys may be swept (omit to sweep temp files only). */
  keys?: { store: FileKeyStore; inUse: ReadonlySet<string> };
}): Promise<SweepResult> {
  const tmpFiles: string[] = [];
  for (const dir of [args.dataDir, join(args.dataDir, 'keys')]) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => TMP_NAME.test(n))) {
      await rm(join(dir, name), { force: true });
      tmpFiles.push(dir === args.dataDir ? name : `keys/${name}`);
    }
  }
  const orphanKeys: string[] = [];
  if (args.keys) {
    const { store, inUse } = args.keys;
    for (const ref of await store.refsOnDisk()) {
      if (inUse.has(ref)) continue;
      const info = await store.info(ref).catch(() => undefined);
      if (info?.purpose !== 'credential') continue;
      await store.delete(ref);
      orphanKeys.push(ref);
    }
  }
  return { tmpFiles, orphanKeys };
}
