import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { KeyStoreError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/node/createLogger.js';
import { assertPrivateFile } from '../security/assertPrivateFile.js';
import { loadAtRestKey } from '../security/atRestKey.js';
import { registerAtRestKey } from '../security/secretsAtRest.js';
import { coreMigrations } from './migrations/coreMigrations.js';
import type { Migration } from './migrations/Migration.js';
import { openSqliteDb } from './openSqliteDb.js';
import type { PortalDb } from './PortalDb.js';
import { runMigrations } from './runMigrations.js';
import { sealLegacySecrets } from './sealLegacySecrets.js';

export type { PortalDb, SqlRunner } from './PortalDb.js';

/** True for a PostgreSQL connection URL (`postgres://…` or `postgresql://…`). */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export interface OpenDatabaseOptions {
  extraMigrations?: readonly Migration[];
  now?: number;
  logger?: Logger;
  /** The key that seals secrets at rest; default: from the environment or the file next to the database. */
  atRestKey?: Uint8Array;
}

/** A PostgreSQL store has no folder to keep a key file in: every instance reads the same key from its environment. */
function postgresAtRestKey(): Uint8Array {
  if (!process.env.KEYBOUND_PORTAL_KEY && !process.env.KEYBOUND_PORTAL_KEY_COMMAND) {
    throw new KeyStoreError(
      'ERR_KEYSTORE_CORRUPT',
      'A PostgreSQL store needs its at-rest key from KEYBOUND_PORTAL_KEY or KEYBOUND_PORTAL_KEY_COMMAND (the same on every instance); see docs/deploy/portal.md',
    );
  }
  return loadAtRestKey('');
}

/** A new SQLite file is 0600 in a 0700 folder; one that others can read is refused (secrets at rest). */
function prepareSqliteFile(file: string): void {
  if (file === ':memory:') return;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) {
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
  }
  for (const f of [file, `${file}-wal`, `${file}-shm`]) assertPrivateFile(f);
}

/**
 * Opens the portal's store — a PostgreSQL database for a `postgres://` URL, else a SQLite file
 * (created if needed; `:memory:` for unit tests) — and applies the core migrations plus any
 * `extraMigrations` (e.g. the OIDC part's, 100+).
 *
 * Secrets at rest: a new folder is created 0700 and a new database 0600 (SQLite gives its -wal
 * and -shm the database's mode); a database, -wal or -shm that other users can read is refused
 * with ERR_UNSAFE_PERMISSIONS and the fix. The at-rest key (atRestKey.ts) is registered for the
 * store, and secrets an older version stored in clear are sealed now.
 */
export async function openDatabase(location: string, options: OpenDatabaseOptions = {}): Promise<PortalDb> {
  const postgres = isPostgresUrl(location);
  if (!postgres) prepareSqliteFile(location);
  const key =
    options.atRestKey ??
    (postgres ? postgresAtRestKey() : location === ':memory:' ? randomBytes(32) : loadAtRestKey(location));
  // node-postgres is loaded only when asked for, so the embedded default starts as fast as before.
  const db = postgres
    ? (await import('./openPostgresDb.js')).openPostgresDb(location, options.logger ? { logger: options.logger } : {})
    : openSqliteDb(location);
  registerAtRestKey(db, key);
  try {
    await runMigrations(db, [...coreMigrations, ...(options.extraMigrations ?? [])], options.now ?? Date.now());
    await sealLegacySecrets(db);
    return db;
  } catch (err) {
    await db.close();
    throw err;
  }
}
