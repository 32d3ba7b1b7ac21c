/**
 * Writes a Chromium managed-policy file that configures the extension through
 * `storage.managed` (as IT would), and removes it again. Chromium reads
 * /etc/chromium/policies/managed/*.json (needs root); the first managed read can take ~3 s after
 * launch and changes arrive after ~5 s (TOOLCHAIN.md), so tests must poll.
 *
 * The file applies to every Chromium started while it exists: tests running in parallel see it
 * too. Keep policies narrow (e.g. only `ssoLoginOrigins`) and always call `remove()`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXTENSION_ID } from '../../extension/src/extensionId.js';
import type { ManagedSettings } from '../../extension/src/settings/settingsSchema.js';

export const CHROMIUM_MANAGED_POLICY_DIR = '/etc/chromium/policies/managed';

export interface ManagedPolicyFile {
  path: string;
  remove(): Promise<void>;
}

/** Writes `{ "3rdparty": { "extensions": { <id>: settings } } }` under a unique file name. */
export async function writeManagedPolicy(
  settings: ManagedSettings,
  options: { dir?: string; extensionId?: string } = {},
): Promise<ManagedPolicyFile> {
  const dir = options.dir ?? CHROMIUM_MANAGED_POLICY_DIR;
  await mkdir(dir, { recursive: true });
  const path = join(dir, `keybound-test-${randomBytes(6).toString('hex')}.json`);
  const policy = { '3rdparty': { extensions: { [options.extensionId ?? EXTENSION_ID]: settings } } };
  await writeFile(path, `${JSON.stringify(policy, null, 2)}\n`, { mode: 0o644 });
  return { path, remove: () => rm(path, { force: true }) };
}
