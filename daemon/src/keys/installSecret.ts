/**
 * The random per-install secret (`install.secret`, 32 bytes, 0600). It is half of the machine
 * binding: the machine id alone is guessable, the secret alone is useless on another machine.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CryptoProvider } from '../../../shared/crypto/index.js';
import { KeyStoreError } from '../../../shared/errors.js';
import { atomicWriteFile } from '../storage/atomicWriteFile.js';

export const INSTALL_SECRET_FILE = 'install.secret';
const SECRET_BYTES = 32;

/** Reads the install secret, creating it on first use. A secret of the wrong size is ERR_KEYSTORE_CORRUPT. */
export async function loadInstallSecret(dataDir: string, crypto: CryptoProvider): Promise<Uint8Array<ArrayBuffer>> {
  const path = join(dataDir, INSTALL_SECRET_FILE);
  try {
    const raw = await readFile(path);
    if (raw.byteLength !== SECRET_BYTES) {
      throw new KeyStoreError(
        'ERR_KEYSTORE_CORRUPT',
        `${INSTALL_SECRET_FILE} in Keybound's data folder is damaged (${raw.byteLength} bytes, expected ${SECRET_BYTES}); register this device again`,
      );
    }
    return new Uint8Array(raw);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
  await atomicWriteFile(path, secret, { mode: 0o600 });
  return secret;
}
