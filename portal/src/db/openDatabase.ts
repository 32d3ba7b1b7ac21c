import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { coreMigrations } from './migrations/coreMigrations.js';
import type { Migration } from './migrations/Migration.js';
import { runMigrations } from './runMigrations.js';

export type PortalDb = Database.Database;

/**
 * Opens (creating if needed) the portal's SQLite file in WAL mode with foreign keys on, and
 * applies the core migrations plus any `extraMigrations` (e.g. the OIDC part's, 100+).
 * `:memory:` works for unit tests.
 */
export function openDatabase(
  file: string,
  options: { extraMigrations?: readonly Migration[]; now?: number } = {},
): PortalDb {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    runMigrations(db, [...coreMigrations, ...(options.extraMigrations ?? [])], options.now ?? Date.now());
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
