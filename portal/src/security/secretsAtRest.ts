/**
 * Encrypts secrets before they are stored and decrypts them when read: AES-256-GCM with the
 * at-rest key (atRestKey.ts), a fresh 12-byte IV per value and the value's purpose and row as
 * associated data (a sealed TOTP secret cannot be swapped to another user's row). Stored as
 * `kbenc1$<iv>$<ciphertext+tag>` (base64url). A value without the prefix is a cleartext one from
 * before this existed: read as is, and rewritten sealed at the next open (openDatabase).
 *
 * The key is registered per database handle, so the store functions keep their signatures.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyStoreError } from '../../../shared/errors.js';
import { fromBase64url, toBase64url } from '../../../shared/webauthn/base64url.js';

const PREFIX = 'kbenc1$';
const keys = new WeakMap<object, Uint8Array>();

export function registerAtRestKey(db: object, key: Uint8Array): void {
  keys.set(db, key);
}

function keyOf(db: object): Uint8Array {
  // A transaction's runner finds the key through the store it belongs to (PortalDb.ts `owner`).
  const key = keys.get(db) ?? keys.get((db as { owner?: object }).owner ?? db);
  if (!key) throw new TypeError('no at-rest key registered for this database (open it with openDatabase)');
  return key;
}

/** `purpose` names the column and row, e.g. `totp:<userId>`; the same must be given to open it. */
export function sealSecret(db: object, purpose: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(db), iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${toBase64url(iv)}$${toBase64url(body)}`;
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

export function openSecret(db: object, purpose: string, stored: string): string {
  if (!isSealed(stored)) return stored;
  const [iv, body] = stored.slice(PREFIX.length).split('$');
  try {
    const bytes = fromBase64url(body as string);
    const decipher = createDecipheriv('aes-256-gcm', keyOf(db), fromBase64url(iv as string));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
  } catch (cause) {
    if (cause instanceof TypeError) throw cause;
    throw new KeyStoreError(
      'ERR_KEYSTORE_CORRUPT',
      `A stored secret (${purpose.split(':')[0]}) cannot be decrypted: the portal key does not match this database. ` +
        'Start the portal with the key it was created with (the .key file next to it, KEYBOUND_PORTAL_KEY or KEYBOUND_PORTAL_KEY_COMMAND)',
      { cause },
    );
  }
}
