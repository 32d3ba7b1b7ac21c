/**
 * A copy of the built extension under its own, fresh id (a new manifest `key`). Chromium applies
 * managed policy per extension id, and a policy file affects every Chromium running on the
 * machine: a test that configures this copy by policy leaves every other browser test alone.
 */
import { generateKeyPairSync } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureExtensionBuilt } from '../../dev/buildExtension.js';
import { extensionIdFromPublicKey } from '../../extension/src/extensionId.js';

export interface ExtensionCopy {
  dir: string;
  extensionId: string;
  remove(): Promise<void>;
}

export async function copyExtensionWithOwnId(): Promise<ExtensionCopy> {
  const source = await ensureExtensionBuilt();
  const dir = await mkdtemp(join(tmpdir(), 'keybound-extension-copy-'));
  try {
    await cp(source, dir, { recursive: true });
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
    await writeFile(manifestPath, JSON.stringify({ ...manifest, key }, null, 2));
    const extensionId = await extensionIdFromPublicKey(key);
    return { dir, extensionId, remove: () => rm(dir, { recursive: true, force: true }) };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
