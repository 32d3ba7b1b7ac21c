/**
 * Packs the built Chrome extension as a signed CRX3 for self-hosting: a staged copy of the build
 * gets the signing key's public key as its manifest `key` (so the id is the key's, also when run
 * unpacked) and `update_url` pointing at the update manifest; `crx3` (npm, decision 0080) zips and
 * signs it; `updates.xml` names the CRX's URL and version. Output: `<out>/keybound.crx` and
 * `<out>/updates.xml`, exactly what `keybound portal --extension-dir <out>` serves.
 */
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import crx3 from 'crx3';
import { DeployError } from '../../../shared/errors.js';
import { loadSigningKey } from './loadSigningKey.js';
import { parseBaseUrl } from './parseBaseUrl.js';
import { updateManifestXml } from './updateManifestXml.js';

export const CRX_FILE = 'keybound.crx';
export const UPDATE_MANIFEST_FILE = 'updates.xml';

export interface PackResult {
  extensionId: string;
  version: string;
  crxPath: string;
  updateManifestPath: string;
  /** Where Chrome fetches the update manifest: the policy's update URL. */
  updateUrl: string;
  crxUrl: string;
  keyCreated: boolean;
}

export async function packExtension(options: {
  /** A built Chrome extension folder (extension/dist/chrome). */
  extensionDir: string;
  keyFile: string;
  outDir: string;
  /** URL of the folder serving the two files, e.g. https://portal.example.com/extension */
  baseUrl: string;
  /** Create `keyFile` if it does not exist. */
  newKey?: boolean;
}): Promise<PackResult> {
  const baseUrl = parseBaseUrl(options.baseUrl);
  const manifest = await readManifest(options.extensionDir);
  const key = await loadSigningKey(options.keyFile, { create: options.newKey ?? false });
  const updateUrl = `${baseUrl}/${UPDATE_MANIFEST_FILE}`;
  const crxUrl = `${baseUrl}/${CRX_FILE}`;
  const stage = await mkdtemp(join(tmpdir(), 'keybound-pack-'));
  try {
    const staged = join(stage, 'extension');
    await cp(options.extensionDir, staged, { recursive: true });
    const packed = { ...manifest, key: key.publicKeyBase64, update_url: updateUrl };
    await writeFile(join(staged, 'manifest.json'), `${JSON.stringify(packed, null, 2)}\n`);
    await mkdir(options.outDir, { recursive: true });
    // Written beside, then renamed: a portal serving outDir never hands out half a file.
    const crxTemp = join(options.outDir, `.${CRX_FILE}.tmp`);
    let result: { appId: string };
    try {
      result = await crx3([join(staged, 'manifest.json')], { keyPath: options.keyFile, crxPath: crxTemp });
    } catch (err) {
      await rm(crxTemp, { force: true });
      throw new DeployError('ERR_PACK_FAILED', `crx3 could not pack "${options.extensionDir}"`, { cause: err });
    }
    if (result.appId !== key.extensionId) {
      await rm(crxTemp, { force: true });
      throw new DeployError(
        'ERR_PACK_FAILED',
        `Unexpected extension id "${result.appId}" from crx3, expected "${key.extensionId}" for this key`,
      );
    }
    const crxPath = join(options.outDir, CRX_FILE);
    await rename(crxTemp, crxPath);
    const updateManifestPath = join(options.outDir, UPDATE_MANIFEST_FILE);
    const xml = updateManifestXml({
      extensionId: key.extensionId,
      version: manifest.version,
      crxUrl,
      ...(manifest.minimum_chrome_version ? { minChromeVersion: manifest.minimum_chrome_version } : {}),
    });
    await writeFile(`${updateManifestPath}.tmp`, xml);
    await rename(`${updateManifestPath}.tmp`, updateManifestPath);
    return {
      extensionId: key.extensionId,
      version: manifest.version,
      crxPath,
      updateManifestPath,
      updateUrl,
      crxUrl,
      keyCreated: key.created,
    };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

interface BuiltManifest {
  version: string;
  minimum_chrome_version?: string;
  [key: string]: unknown;
}

async function readManifest(extensionDir: string): Promise<BuiltManifest> {
  const path = join(extensionDir, 'manifest.json');
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new DeployError(
      'ERR_EXTENSION_BUILD_MISSING',
      `No built extension at "${extensionDir}" (${path} unreadable); run npm run build:extension first`,
      { cause: err },
    );
  }
  const version = (manifest as { version?: unknown }).version;
  if (typeof manifest !== 'object' || manifest === null || typeof version !== 'string') {
    throw new DeployError('ERR_EXTENSION_BUILD_MISSING', `"${path}" has no version: not a built extension`);
  }
  return manifest as BuiltManifest;
}
