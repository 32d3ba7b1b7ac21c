/**
 * The embedded store: one SQLite file through better-sqlite3 (synchronous, in-process), behind the
 * async {@link PortalDb} surface. Statements are prepared once and cached by their SQL text
 * (preparing costs more than running a point query). A transaction holds the one connection for
 * its whole callback, so statements from other requests wait until it ends instead of slipping
 * into it (see docs/decisions/0090-portal-store-abstraction.md).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { PortalDb, SqlRunner, SqlValue } from './PortalDb.js';
import { storeStep, storeWrite } from './storeFaults.js';
import { storeFull } from './storeUnavailable.js';

export interface SqliteDb extends PortalDb {
  readonly dialect: 'sqlite';
  /** The underlying connection, for migrations and tests that inspect the file. */
  readonly raw: Database.Database;
}

/** Opens (creating with its folder) a SQLite file in WAL mode with foreign keys on. */
export function openSqliteDb(file: string): SqliteDb {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const raw = new Database(file);
  try {
    raw.pragma('journal_mode = WAL');
    raw.pragma('foreign_keys = ON');
    raw.pragma('busy_timeout = 5000');
    // WAL + NORMAL: a commit is durable against a crash of the process (kill -9) but not of the
    // machine, and costs no fsync; the WAL is synced at checkpoints (decision 0092).
    raw.pragma('synchronous = NORMAL');
  } catch (err) {
    raw.close();
    throw err;
  }
  const cache = new Map<string, Database.Statement>();
  const statement = (sql: string): Database.Statement => {
    let s = cache.get(sql);
    if (!s) {
      s = raw.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  // Each statement is a store step the fault suite can kill at (storeFaults.ts); a write that
  // fails for want of disk space is the 503 with a sentence, not a 500.
  const direct: SqlRunner = {
    owner: {},
    get: async <T>(sql: string, params: readonly SqlValue[] = []) => {
      storeStep('read');
      return statement(sql).get(...params) as T | undefined;
    },
    all: async <T>(sql: string, params: readonly SqlValue[] = []) => {
      storeStep('read');
      return statement(sql).all(...params) as T[];
    },
    run: async (sql: string, params: readonly SqlValue[] = []) => {
      storeStep('write');
      const result = writing(() => {
        storeWrite();
        return { changes: statement(sql).run(...params).changes };
      });
      storeStep('written');
      return result;
    },
    exec: async (sql: string) => {
      writing(() => raw.exec(sql));
    },
  };

  // The transaction in progress, if any: other callers wait for it rather than join it.
  let current: Promise<void> | undefined;
  const idle = async (): Promise<void> => {
    while (current) await current;
  };

  const db: SqliteDb = {
    dialect: 'sqlite',
    raw,
    get owner() {
      return db;
    },
    async get<T>(sql: string, params?: readonly SqlValue[]) {
      if (current) await idle();
      return direct.get<T>(sql, params);
    },
    async all<T>(sql: string, params?: readonly SqlValue[]) {
      if (current) await idle();
      return direct.all<T>(sql, params);
    },
    async run(sql: string, params?: readonly SqlValue[]) {
      if (current) await idle();
      return direct.run(sql, params);
    },
    async exec(sql: string) {
      if (current) await idle();
      return direct.exec(sql);
    },
    async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
      // Check and claim with no await in between, so two transactions cannot both claim.
      while (current) await current;
      let release = (): void => undefined;
      current = new Promise<void>((resolve) => {
        release = resolve;
      });
      try {
        // IMMEDIATE takes the write lock at once, so another process's writer waits (busy_timeout)
        // instead of failing half-way through with SQLITE_BUSY.
        raw.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(direct);
          writing(() => raw.exec('COMMIT'));
          storeStep('commit');
          return result;
        } catch (err) {
          if (raw.inTransaction) raw.exec('ROLLBACK');
          throw err;
        }
      } finally {
        current = undefined;
        release();
      }
    },
    async close() {
      await idle();
      if (raw.open) raw.close();
    },
  };
  (direct as { owner: object }).owner = db;
  return db;
}

/** SQLite's codes for a write the disk had no room for (a full disk, or a quota). */
const DISK_FULL = new Set(['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_FSYNC', 'SQLITE_IOERR_SHMSIZE']);

/** Runs a write; a full disk becomes ERR_STORE_UNAVAILABLE with its sentence (SQLite rolled the statement back). */
function writing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (DISK_FULL.has((err as { code?: string }).code ?? '')) throw storeFull(err);
    throw err;
  }
}
