/**
 * Device sign-in credentials (Protect's "device sign-in" accounts), in SQLite (`credentials.db`,
 * 0600). Why SQLite rather than a JSON file: every sign-in must persist a new counter before the
 * signature is returned, and rewriting a 10,000-credential JSON file per sign-in would make
 * latency grow with the number of credentials. SQLite gives atomic, durable single-row updates
 * (WAL, synchronous=FULL) and indexes on credentialId and (rpId, userName), so lookups and
 * counter updates stay flat from 1 to 10,000 credentials. No secrets here: the private key is in
 * the key store; `keyRef` only names it.
 */
import { chmodSync, closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface CredentialRecord {
  /** base64url credential id (what the portal knows). */
  credentialId: string;
  rpId: string;
  origin: string;
  userName: string;
  userDisplayName: string;
  /** base64url user handle (options.user.id), returned in assertions. */
  userHandle: string;
  createdAt: string;
  lastUsedAt: string | null;
  counter: number;
  deviceId: string | null;
  keyRef: string;
}

export const CREDENTIALS_FILE = 'credentials.db';

const COLUMNS =
  'credentialId, rpId, origin, userName, userDisplayName, userHandle, createdAt, lastUsedAt, counter, deviceId, keyRef';

export class CredentialStore {
  private readonly db: Database.Database;
  private readonly stmts;

  /** Opens (creating if needed) `<dataDir>/credentials.db`; pass ':memory:' as `path` for tests. */
  constructor(pathOrDataDir: { dataDir: string } | { path: ':memory:' }) {
    const path = 'dataDir' in pathOrDataDir ? join(pathOrDataDir.dataDir, CREDENTIALS_FILE) : ':memory:';
    if (path !== ':memory:') {
      // Create the file 0600 before SQLite does (SQLite would use the umask).
      closeSync(openSync(path, 'a', 0o600));
      chmodSync(path, 0o600);
    }
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS credentials (
        credentialId TEXT PRIMARY KEY, rpId TEXT NOT NULL, origin TEXT NOT NULL, userName TEXT NOT NULL,
        userDisplayName TEXT NOT NULL, userHandle TEXT NOT NULL, createdAt TEXT NOT NULL, lastUsedAt TEXT,
        counter INTEGER NOT NULL CHECK (counter >= 0), deviceId TEXT, keyRef TEXT NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS credentials_rp_user ON credentials (rpId, userName, createdAt);
      CREATE INDEX IF NOT EXISTS credentials_rp_created ON credentials (rpId, createdAt);
    `);
    this.stmts = {
      get: this.db.prepare<[string], CredentialRecord>(`SELECT ${COLUMNS} FROM credentials WHERE credentialId = ?`),
      byUser: this.db.prepare<[string, string], CredentialRecord>(
        `SELECT ${COLUMNS} FROM credentials WHERE rpId = ? AND userName = ? ORDER BY createdAt DESC LIMIT 1`,
      ),
      newestByRp: this.db.prepare<[string], CredentialRecord>(
        `SELECT ${COLUMNS} FROM credentials WHERE rpId = ? ORDER BY createdAt DESC LIMIT 1`,
      ),
      byRp: this.db.prepare<[string], CredentialRecord>(
        `SELECT ${COLUMNS} FROM credentials WHERE rpId = ? ORDER BY createdAt DESC`,
      ),
      all: this.db.prepare<[], CredentialRecord>(`SELECT ${COLUMNS} FROM credentials ORDER BY createdAt`),
      insert: this.db.prepare(
        `INSERT INTO credentials (${COLUMNS}) VALUES (${COLUMNS.split(', ')
          .map((c) => `@${c}`)
          .join(', ')})`,
      ),
      use: this.db.prepare<[string, string], { counter: number }>(
        'UPDATE credentials SET counter = counter + 1, lastUsedAt = ? WHERE credentialId = ? RETURNING counter',
      ),
      delete: this.db.prepare<[string]>('DELETE FROM credentials WHERE credentialId = ?'),
      count: this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM credentials'),
    };
  }

  get(credentialId: string): CredentialRecord | undefined {
    return this.stmts.get.get(credentialId);
  }

  /** The newest credential of `userName` at `rpId` (there is normally one per device). */
  findByUser(rpId: string, userName: string): CredentialRecord | undefined {
    return this.stmts.byUser.get(rpId, userName);
  }

  /** The newest credential at `rpId`, for sign-ins where the portal lets the device choose. */
  newestForRp(rpId: string): CredentialRecord | undefined {
    return this.stmts.newestByRp.get(rpId);
  }

  listByRp(rpId: string): CredentialRecord[] {
    return this.stmts.byRp.all(rpId);
  }

  list(): CredentialRecord[] {
    return this.stmts.all.all();
  }

  count(): number {
    return this.stmts.count.get()?.n ?? 0;
  }

  /** Inserts a new credential (durable when this returns). A duplicate credentialId throws. */
  add(record: CredentialRecord): void {
    this.stmts.insert.run(record);
  }

  /** Inserts many credentials in one transaction (imports, benchmarks): one fsync instead of one per row. */
  addMany(records: readonly CredentialRecord[]): void {
    this.db.transaction((rows: readonly CredentialRecord[]) => {
      for (const r of rows) this.stmts.insert.run(r);
    })(records);
  }

  /**
   * Increments the counter and records the use, durably, and returns the new counter. Callers
   * sign with the returned value only after this returned, so a crash can never reuse a counter.
   */
  nextCounter(credentialId: string, at: string): number | undefined {
    return this.stmts.use.get(at, credentialId)?.counter;
  }

  delete(credentialId: string): boolean {
    return this.stmts.delete.run(credentialId).changes > 0;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
