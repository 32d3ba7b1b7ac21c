/**
 * Writes a Chromium managed-policy file that configures the extension through
 * `storage.managed` (as IT would), and removes it again. Chromium reads
 * /etc/chromium/policies/managed/*.json (needs root); the first managed read can take ~3 s after
 * launch and changes arrive after ~5 s (TOOLCHAIN.md), so tests must poll.
 *
 * The file applies to every Chromium started while it exists: tests running in parallel see it
 * too. Keep policies narrow (e.g. only `ssoLoginOrigins`) and always call `remove()`. Chromium
 * does not merge one policy across files (one file's `3rdparty` replaces another's), so two
 * tests' files must not exist at once: writing one takes a machine-wide lock (every worktree on
 * this machine shares /etc), released by `remove()`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTENSION_ID } from '../../extension/src/extensionId.js';
import type { ManagedSettings } from '../../extension/src/settings/settingsSchema.js';

export const CHROMIUM_MANAGED_POLICY_DIR = '/etc/chromium/policies/managed';

const POLICY_LOCK = join(tmpdir(), 'keybound-managed-policy.lock');

export interface ManagedPolicyFile {
  path: string;
  remove(): Promise<void>;
}

/**
 * Takes the machine-wide lock for managed-policy files (waits up to `timeoutMs`; a lock older
 * than 5 minutes was left by a killed run). Resolves to its release.
 */
export async function acquirePolicyLock(timeoutMs = 300_000): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(POLICY_LOCK);
      return () => rm(POLICY_LOCK, { recursive: true, force: true });
    } catch {
      const info = await stat(POLICY_LOCK).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > 300_000) await rm(POLICY_LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the managed-policy lock ${POLICY_LOCK}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Writes `{ "3rdparty": { "extensions": { <id>: settings } } }` under a unique file name. */
export async function writeManagedPolicy(
  settings: ManagedSettings,
  options: { dir?: string; extensionId?: string } = {},
): Promise<ManagedPolicyFile> {
  const dir = options.dir ?? CHROMIUM_MANAGED_POLICY_DIR;
  const release = dir === CHROMIUM_MANAGED_POLICY_DIR ? await acquirePolicyLock() : async () => {};
  try {
    await mkdir(dir, { recursive: true });
    const path = join(dir, `keybound-test-${randomBytes(6).toString('hex')}.json`);
    const policy = { '3rdparty': { extensions: { [options.extensionId ?? EXTENSION_ID]: settings } } };
    await writeFile(path, `${JSON.stringify(policy, null, 2)}\n`, { mode: 0o644 });
    let released = false;
    return {
      path,
      remove: async () => {
        await rm(path, { force: true });
        if (!released) await release();
        released = true;
      },
    };
  } catch (err) {
    await release();
    throw err;
  }
}
