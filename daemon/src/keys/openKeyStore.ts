/**
 * Chooses and opens the key store (`keybound daemon --key-store tpm|file|auto`):
 * - `tpm`: keys inside the TPM at `--tpm`, KEYBOUND_TPM, or /dev/tpmrm0; fails if none answers.
 * - `file`: sealed key files (MachineSealer), the fallback and the emulator's.
 * - `auto`: the TPM when one answers, else the file store.
 * A data dir that already holds keys keeps the store they are in (`keys/*.tpmkey` or
 * `keys/*.key`): switching would strand every registered credential, so an explicit choice that
 * contradicts them is refused with a sentence. `detail` says which store and why, for the start log.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CryptoProvider } from '../../../shared/crypto/index.js';
import { KeyStoreError } from '../../../shared/errors.js';
import { FileKeyStore } from './FileKeyStore.js';
import type { KeyStore } from './KeyStore.js';
import type { Sealer } from './MachineSealer.js';
import { openPlatformKeyStore } from './platform/HelperKeyStore.js';
import { openTpmKeyStore } from './tpm/openTpmKeyStore.js';
import { DEFAULT_TPM_DEVICE, TPM_ENV } from './tpm/TpmTransport.js';

export type KeyStoreChoice = 'tpm' | 'file' | 'auto';
export const KEY_STORE_CHOICES: readonly KeyStoreChoice[] = ['tpm', 'file', 'auto'];

export async function openKeyStore(args: {
  dataDir: string;
  choice: KeyStoreChoice;
  /** TPM address; defaults to KEYBOUND_TPM, then /dev/tpmrm0. */
  tpm?: string;
  sealer: Sealer;
  crypto: CryptoProvider;
  now: () => Date;
}): Promise<{ store: KeyStore; kind: 'tpm' | 'file'; detail: string }> {
  const address = args.tpm ?? process.env[TPM_ENV] ?? DEFAULT_TPM_DEVICE;
  const existing = await existingKind(args.dataDir);
  if (existing && args.choice !== 'auto' && existing !== args.choice) {
    throw new KeyStoreError(
      'ERR_KEYSTORE_CORRUPT',
      `This data dir's keys are in the ${existing === 'tpm' ? 'TPM' : 'file'} key store, not the ${args.choice === 'tpm' ? 'TPM' : 'file'} store asked for; start with --key-store ${existing}, or use a new data dir and register again`,
    );
  }
  const choice = existing ?? args.choice;
  const file = () => new FileKeyStore(args.dataDir, args.sealer, args.crypto, args.now);
  if (choice === 'file') return { store: file(), kind: 'file', detail: 'file key store (sealed key files)' };
  // macOS and Windows: the hardware is reached through a signed helper (decision 0062).
  // COMPAT(untested: macOS Secure Enclave, Windows Platform Crypto Provider).
  if (choice === 'tpm' && (process.platform === 'darwin' || process.platform === 'win32') && !args.tpm) {
    const helperDir = process.env.KEYBOUND_KEY_HELPER_DIR ?? join(args.dataDir, '..', 'helpers');
    const store = openPlatformKeyStore({ dataDir: args.dataDir, helperDir });
    return { store, kind: 'tpm', detail: `platform key store (helper in ${helperDir})` };
  }
  const explicit = args.tpm !== undefined || process.env[TPM_ENV] !== undefined;
  if (choice === 'auto' && !explicit && !existsSync(DEFAULT_TPM_DEVICE)) {
    return { store: file(), kind: 'file', detail: `file key store (auto: no TPM at ${DEFAULT_TPM_DEVICE})` };
  }
  try {
    const store = await openTpmKeyStore({ dataDir: args.dataDir, tpm: address, now: args.now });
    return { store, kind: 'tpm', detail: `TPM key store (${store.client.transport.address})` };
  } catch (err) {
    if (choice === 'tpm') {
      if (existing === 'tpm' && err instanceof KeyStoreError && err.code === 'ERR_TPM_UNAVAILABLE') {
        throw new KeyStoreError('ERR_TPM_UNAVAILABLE', `This data dir's keys are in a TPM and ${err.message}`, {
          cause: err,
        });
      }
      throw err;
    }
    const why = err instanceof Error ? err.message : String(err);
    return { store: file(), kind: 'file', detail: `file key store (auto: ${why})` };
  }
}

async function existingKind(dataDir: string): Promise<'tpm' | 'file' | undefined> {
  const names = await readdir(join(dataDir, 'keys')).catch(() => [] as string[]);
  if (names.some((n) => n.endsWith('.tpmkey') || n.endsWith('.hwkey'))) return 'tpm';
  if (names.some((n) => n.endsWith('.key'))) return 'file';
  return undefined;
}
