/**
 * The extension's signing key: an RSA private key in PEM (PKCS#8 or PKCS#1). Whoever holds it
 * decides the extension id, so a missing file is created only when asked, with mode 0600, and an
 * unreadable one is refused rather than replaced.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DeployError } from '../../../shared/errors.js';
import { extensionIdFromSpki } from './extensionIdFromSpki.js';

export interface SigningKey {
  privateKey: KeyObject;
  /** base64 SPKI DER: the manifest `key`. */
  publicKeyBase64: string;
  /** Chrome's extension id for this key. */
  extensionId: string;
  /** True when this call created the file. */
  created: boolean;
}

/** Reads the key at `file`; with `create`, writes a new RSA-2048 key there first if none exists. */
export async function loadSigningKey(file: string, options: { create?: boolean } = {}): Promise<SigningKey> {
  let pem = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new DeployError('ERR_SIGNING_KEY_INVALID', `Cannot read the signing key "${file}": ${err.message}`, {
      cause: err,
    });
  });
  let created = false;
  if (pem === undefined) {
    if (!options.create) {
      throw new DeployError(
        'ERR_SIGNING_KEY_INVALID',
        `No signing key at "${file}"; pass --new-key to create one (keep it: it decides the extension id)`,
      );
    }
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await mkdir(dirname(file), { recursive: true });
    // 'wx': never overwrite a key that appeared meanwhile.
    await writeFile(file, pem, { mode: 0o600, flag: 'wx' });
    created = true;
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new DeployError('ERR_SIGNING_KEY_INVALID', `"${file}" is not a PEM private key`, { cause: err });
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new DeployError(
      'ERR_SIGNING_KEY_INVALID',
      `Unexpected key type "${privateKey.asymmetricKeyType}" in "${file}", expected "rsa" (Chrome signs CRX3 with RSA)`,
    );
  }
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return { privateKey, publicKeyBase64: spki.toString('base64'), extensionId: extensionIdFromSpki(spki), created };
}
