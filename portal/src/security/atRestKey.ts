/**
 * The key that encrypts the portal's secrets at rest (TOTP secrets, OIDC signing and cookie
 * keys). It is kept outside the database, so a copy of `portal.sqlite` (a backup, another
 * local user reading it) holds no usable secret. Where it comes from, first match wins:
 *   KEYBOUND_PORTAL_KEY          base64url of 32 random bytes (a deployment's secret store)
 *   KEYBOUND_PORTAL_KEY_COMMAND  a command whose standard output is that (a KMS-style hook:
 *                                e.g. `vault kv get -field=key …`, `aws kms decrypt …`)
 *   <db file>.key                a file next to the database, created 0600 on first start
 * See docs/decisions/0051-portal-secrets-at-rest.md.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { KeyStoreError } from '../../../shared/errors.js';
import { fromBase64url, toBase64url } from '../../../shared/webauthn/base64url.js';
import { assertPrivateFile } from './assertPrivateFile.js';

const KEY_BYTES = 32;

export function loadAtRestKey(dbFile: string, env: NodeJS.ProcessEnv = process.env): Uint8Array {
  if (env.KEYBOUND_PORTAL_KEY) return parseKey(env.KEYBOUND_PORTAL_KEY, 'KEYBOUND_PORTAL_KEY');
  if (env.KEYBOUND_PORTAL_KEY_COMMAND) {
    let out: string;
    try {
      out = execFileSync('/bin/sh', ['-c', env.KEYBOUND_PORTAL_KEY_COMMAND], {
        encoding: 'utf8',
        timeout: 30_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (cause) {
      throw new KeyStoreError(
        'ERR_KEYSTORE_CORRUPT',
        'KEYBOUND_PORTAL_KEY_COMMAND failed; the portal cannot read its secrets without the key',
        { cause },
      );
    }
    return parseKey(out.trim(), 'the output of KEYBOUND_PORTAL_KEY_COMMAND');
  }
  const file = `${dbFile}.key`;
  if (!existsSync(file)) {
    // 'wx': never overwrite a key another process just created.
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        fchmodSync(fd, 0o600);
        writeSync(fd, `${toBase64url(randomBytes(KEY_BYTES))}\n`);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  assertPrivateFile(file);
  if (statSync(file).size > 1024) throw new KeyStoreError('ERR_KEYSTORE_CORRUPT', `${file} is not a portal key`);
  return parseKey(readFileSync(file, 'utf8').trim(), file);
}

function parseKey(text: string, where: string): Uint8Array {
  let key: Uint8Array;
  try {
    key = fromBase64url(text);
  } catch {
    key = new Uint8Array(0);
  }
  if (key.byteLength !== KEY_BYTES) {
    throw new KeyStoreError(
      'ERR_KEYSTORE_CORRUPT',
      `${where} is not a portal key: expected base64url of ${KEY_BYTES} bytes (make one with: openssl rand 32 | basenc --base64url)`,
    );
  }
  return key;
}
