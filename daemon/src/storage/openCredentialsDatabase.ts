/**
 * Opens `credentials.db` and refuses one that is damaged instead of treating it as empty.
 *
 * A missing file is a first start: the database is built under a temporary name and renamed
 * into place, so a crash mid-creation never leaves a 0-byte `credentials.db`. Hence a 0-byte
 * file is never ours — it is damage (a full disk, a bad copy) and refusing it keeps the user's
 * keys and the chance to restore a backup. A garbage or truncated file is refused too (SQLite's
 * header check and `quick_check`), with ERR_STATE_CORRUPT naming the file and the fix.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { stateCorrupt } from './stateCorrupt.js';

const FIX =
  'Stop the daemon, restore the file from a backup (or move it away to start with no device sign-ins and register this device again at each portal), then start it again';

export function openCredentialsDatabase(path: string, schema: string): { db: Database.Database; created: boolean } {
  let created = false;
  if (!existsSync(path)) {
    createAtomically(path, schema);
    created = true;
  } else if (statSync(path).size === 0) {
    throw stateCorrupt(path, 'is empty (0 bytes) although it should hold the device sign-ins', FIX);
  }
  chmodSync(path, 0o600);
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true });
    db.pragma('journal_mode = WAL');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(String(check));
    db.exec(schema);
    return { db, created };
  } catch (cause) {
    db?.close();
    const code = (cause as { code?: string }).code ?? 'ERR_QUICK_CHECK';
    throw stateCorrupt(path, `is damaged (${code}) and cannot be read`, FIX, { cause });
  }
}

function createAtomically(path: string, schema: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // Created 0600 before SQLite opens it (SQLite would use the umask).
    closeSync(openSync(tmp, 'wx', 0o600));
    const db = new Database(tmp);
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = FULL');
    db.exec(schema);
    db.close();
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}-journal`, { force: true });
  }
}
