import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { assertPrivateFile } from '../security/assertPrivateFile.js';
import { loadAtRestKey } from '../security/atRestKey.js';
import { registerAtRestKey } from '../security/secretsAtRest.js';
import { coreMigrations } from './migrations/coreMigrations.js';
import type { Migration } from './migrations/Migration.js';
import { runMigrations } from './runMigrations.js';
import { sealLegacySecrets } from './sealLegacySecrets.js';

export type PortalDb = Database.Database;

/**
 * Opens (creating if needed) the portal's SQLite file in WAL mode with foreign keys on, and
 * applies the core migrations plus any `extraMigrations` (e.g. the OIDC part's, 100+).
 * `:memory:` works for unit tests.
 *
 * Secrets at rest: a new folder is created 0700 and a new database 0600 (SQLite gives its -wal
 * and -shm the database's mode); a database, -wal or -shm that other users can read is refused
 * with ERR_UNSAFE_PERMISSIONS and the fix. The at-rest key (atRestKey.ts) is registered for the
 * handle, and secrets an older version stored in clear are sealed now.
 */
export function openDatabase(
  file: string,
  options: { extraMigrations?: readonly Migration[]; now?: number; atRestKey?: Uint8Array } = {},
): PortalDb {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    if (!existsSync(file)) {
      closeSync(openSync(file, 'a', 0o600));
      chmodSync(file, 0o600);
    }
    for (const f of [file, `${file}-wal`, `${file}-shm`]) assertPrivateFile(f);
  }
  const key = options.atRestKey ?? (file === ':memory:' ? randomBytes(32) : loadAtRestKey(file));
  const db = new Database(file);
  registerAtRestKey(db, key);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    runMigrations(db, [...coreMigrations, ...(options.extraMigrations ?? [])], options.now ?? Date.now());
    sealLegacySecrets(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
