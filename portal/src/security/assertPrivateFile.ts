/**
 * Refuses a file other local users can read or write: the portal's database holds password
 * hashes and (encrypted) secrets, its key file the key to them. The message names the fix.
 */
import { statSync } from 'node:fs';
import { KeyStoreError } from '../../../shared/errors.js';

export function assertPrivateFile(file: string): void {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  // POSIX permissions only: Windows reports 0o666 for every writable file (COMPAT(windows-acl)).
  if (process.platform === 'win32' || (mode & 0o077) === 0) return;
  throw new KeyStoreError(
    'ERR_UNSAFE_PERMISSIONS',
    `${file} can be read by other users (mode ${(mode & 0o777).toString(8)}), and it holds the portal's secrets. ` +
      `Refusing to start. Fix: chmod 600 '${file}'* && chmod 700 "$(dirname '${file}')", then start again ` +
      '(and, if others may have copied it, rotate the secrets: new TOTP enrolments, `admin` key rotation).',
  );
}
