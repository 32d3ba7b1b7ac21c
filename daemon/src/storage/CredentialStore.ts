/**
 * Device sign-in credentials (Protect's "device sign-in" accounts), in SQLite (`credentials.db`,
 * 0600). Why SQLite rather than a JSON file: every sign-in must persist a new counter before the
 * signature is returned, and rewriting a 10,000-credential JSON file per sign-in would make
 * latency grow with the number of credentials. SQLite gives atomic single-row updates and
 * indexes on credentialId and (rpId, userName), so lookups and counter updates stay flat from 1
 * to 10,000 credentials. No secrets here: the private key is in the key store; `keyRef` names it.
 *
 * Durability: adding and deleting credentials is fsynced (synchronous=FULL) — a power loss never
 * loses a credential the portal has. Counters use a durable *reservation* instead of a write
 * per sign-in: `counterReserved` is raised by COUNTER_BLOCK, with an fsync, whenever a counter
 * would pass it, so every counter value handed out is ≤ a durable reservation. Between
 * reservations the counter and lastUsedAt live in memory (a sign-in touches no file) and are
 * written without fsync at most FLUSH_MS later, and at close. On open, a counter below its
 * reservation (the last stop was not clean, e.g. a crash or power loss) jumps to the
 * reservation; a clean close releases this process's reservations (counterReserved = counter),
 * so a normal restart continues exactly. Counters may skip values after a crash but never
 * repeat one — all WebAuthn asks.
 *
 * Another process may open the same file at the same time (`keybound device …` while the daemon
 * runs). It hands out no counters, and its close releases only reservations it made itself
 * (matched by value), so it never lowers the running daemon's reservation. Reads always go to
 * SQLite, so a credential deleted by that process is gone for the daemon's next sign-in.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { faultPoint } from './faultPoint.js';
import { openCredentialsDatabase } from './openCredentialsDatabase.js';

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
/**
 * Counter values reserved per fsync. At 1024 the fsync (0.2–4 ms here) falls on 0.1 % of
 * sign-ins, below the p99; a crash skips at most this many values of a 32-bit counter.
 */
export const COUNTER_BLOCK = 1024;
/** How long a used counter and lastUsedAt may stay in memory only (they are reserved durably). */
export const FLUSH_MS = 1000;

/** A credential's counter state while this process hands out its counters. */
interface Use {
  counter: number;
  /** The durable reservation this process made (counterReserved in the file). */
  reserved: number;
  lastUsedAt: string | null;
  dirty: boolean;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS credentials (
    credentialId TEXT PRIMARY KEY, rpId TEXT NOT NULL, origin TEXT NOT NULL, userName TEXT NOT NULL,
    userDisplayName TEXT NOT NULL, userHandle TEXT NOT NULL, createdAt TEXT NOT NULL, lastUsedAt TEXT,
    counter INTEGER NOT NULL CHECK (counter >= 0), deviceId TEXT, keyRef TEXT NOT NULL,
    counterReserved INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE INDEX IF NOT EXISTS credentials_rp_user ON credentials (rpId, userName, createdAt);
  CREATE INDEX IF NOT EXISTS credentials_rp_created ON credentials (rpId, createdAt);
`;

const COLUMNS =
  'credentialId, rpId, origin, userName, userDisplayName, userHandle, createdAt, lastUsedAt, counter, deviceId, keyRef';

export class CredentialStore {
  private readonly db: Database.Database;
  private readonly stmts;
  private readonly uses = new Map<string, Use>();
  private flushTimer: NodeJS.Timeout | undefined;

  /**
   * True when this open created the database (first start): the data dir had no credentials.db.
   * The crash sweep must not take keys for orphans then — they may belong to a lost database.
   */
  readonly created: boolean;

  /**
   * Opens (creating if needed) `<dataDir>/credentials.db`; pass ':memory:' as `path` for tests.
   * A damaged, empty or truncated file throws ERR_STATE_CORRUPT (openCredentialsDatabase).
   */
  constructor(pathOrDataDir: { dataDir: string } | { path: ':memory:' }) {
    if ('dataDir' in pathOrDataDir) {
      const opened = openCredentialsDatabase(join(pathOrDataDir.dataDir, CREDENTIALS_FILE), SCHEMA);
      this.db = opened.db;
      this.created = opened.created;
    } else {
      this.db = new Database(':memory:');
      this.db.exec(SCHEMA);
      this.created = true;
    }
    this.db.pragma('synchronous = FULL');
    const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(credentials)').all();
    if (!columns.some((c) => c.name === 'counterReserved')) {
      this.db.exec('ALTER TABLE credentials ADD COLUMN counterReserved INTEGER NOT NULL DEFAULT 0');
    }
    // After an unclean stop, counters handed out may be ahead of the stored ones: skip to the reservation.
    this.db.exec('UPDATE credentials SET counter = counterReserved WHERE counterReserved > counter');
    this.db.pragma('synchronous = NORMAL');
    this.stmts = {
      get: this.db.prepare<[string], CredentialRecord>(`SELECT ${COLUMNS} FROM credentials WHERE credentialId = ?`),
      byUser: this.db.prepare<[string, string], CredentialRecord>(
        `SELECT ${COLUMNS} FROM credentials WHERE rpId = ? AND userName = ? ORDER BY createdAt DESC LIMIT 1`,
      ),
      allByUser: this.db.prepare<[string, string], CredentialRecord>(
        `SELECT ${COLUMNS} FROM credentials WHERE rpId = ? AND userName = ? ORDER BY createdAt DESC`,
      ),
      byHandle: this.db.prepare<[string, string], CredentialRecord>(
        `SELECT ${COLUMNS} FROM credentials WHERE rpId = ? AND userHandle = ?`,
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
      counterOf: this.db.prepare<[string], { counter: number; counterReserved: number; lastUsedAt: string | null }>(
        'SELECT counter, counterReserved, lastUsedAt FROM credentials WHERE credentialId = ?',
      ),
      reserve: this.db.prepare<[number, string, number, string]>(
        'UPDATE credentials SET counter = max(counter, ?), lastUsedAt = ?, counterReserved = ? WHERE credentialId = ?',
      ),
      flush: this.db.prepare<[number, string | null, string]>(
        'UPDATE credentials SET counter = max(counter, ?), lastUsedAt = ? WHERE credentialId = ?',
      ),
      // Only a reservation still as this process left it: another process's is never released.
      release: this.db.prepare<[string, number]>(
        'UPDATE credentials SET counterReserved = counter WHERE credentialId = ? AND counterReserved = ?',
      ),
      delete: this.db.prepare<[string]>('DELETE FROM credentials WHERE credentialId = ?'),
      count: this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM credentials'),
    };
  }

  get(credentialId: string): CredentialRecord | undefined {
    return this.fresh(this.stmts.get.get(credentialId));
  }

  /** The newest credential of `userName` at `rpId` (there is normally one per device). */
  findByUser(rpId: string, userName: string): CredentialRecord | undefined {
    return this.fresh(this.stmts.byUser.get(rpId, userName));
  }

  /** Every credential of `userName` at `rpId`, newest first. */
  listByUser(rpId: string, userName: string): CredentialRecord[] {
    return this.stmts.allByUser.all(rpId, userName).map((r) => this.fresh(r));
  }

  /** Every credential at `rpId` whose user handle (the portal's user id) is `userHandle`. */
  listByUserHandle(rpId: string, userHandle: string): CredentialRecord[] {
    return this.stmts.byHandle.all(rpId, userHandle).map((r) => this.fresh(r));
  }

  /** The newest credential at `rpId`, for sign-ins where the portal lets the device choose. */
  newestForRp(rpId: string): CredentialRecord | undefined {
    return this.fresh(this.stmts.newestByRp.get(rpId));
  }

  listByRp(rpId: string): CredentialRecord[] {
    return this.stmts.byRp.all(rpId).map((r) => this.fresh(r));
  }

  list(): CredentialRecord[] {
    return this.stmts.all.all().map((r) => this.fresh(r));
  }

  count(): number {
    return this.stmts.count.get()?.n ?? 0;
  }

  /** Inserts a new credential, fsynced before it returns. A duplicate credentialId throws. */
  add(record: CredentialRecord): void {
    faultPoint('before credential insert');
    this.durably(() => this.stmts.insert.run(record));
    faultPoint('after credential insert');
  }

  /**
   * Inserts `record` and deletes the credentials it replaces in one fsynced transaction: a crash
   * leaves either the old ones or the new one, never neither. The caller deletes the replaced
   * credentials' keys afterwards (a crash before that leaves orphan keys, which the start-up sweep
   * removes).
   */
  replace(record: CredentialRecord, replacedIds: readonly string[]): void {
    faultPoint('before credential replace');
    this.durably(() =>
      this.db.transaction(() => {
        this.stmts.insert.run(record);
        for (const id of replacedIds) this.stmts.delete.run(id);
      })(),
    );
    for (const id of replacedIds) this.uses.delete(id);
    faultPoint('after credential replace');
  }

  /** Inserts many credentials in one transaction (imports, benchmarks): one fsync instead of one per row. */
  addMany(records: readonly CredentialRecord[]): void {
    this.durably(() =>
      this.db.transaction((rows: readonly CredentialRecord[]) => {
        for (const r of rows) this.stmts.insert.run(r);
      })(records),
    );
  }

  /**
   * Increments the counter, records the use and returns the new counter, which is covered by a
   * durable reservation when this returns (see the file comment): callers sign with it only
   * afterwards, so no crash can make the device reuse a counter value. Undefined when the
   * credential does not exist.
   */
  nextCounter(credentialId: string, at: string): number | undefined {
    let use = this.uses.get(credentialId);
    if (!use) {
      const row = this.stmts.counterOf.get(credentialId);
      if (!row) return undefined;
      use = { counter: row.counter, reserved: row.counterReserved, lastUsedAt: row.lastUsedAt, dirty: false };
      this.uses.set(credentialId, use);
    }
    const next = use.counter + 1;
    if (next > use.reserved) {
      const reserved = next + COUNTER_BLOCK;
      const changed = this.durably(() => this.stmts.reserve.run(next, at, reserved, credentialId).changes);
      if (changed === 0) {
        this.uses.delete(credentialId);
        return undefined;
      }
      use.reserved = reserved;
      faultPoint('after counter reservation');
    }
    use.counter = next;
    use.lastUsedAt = at;
    use.dirty = true;
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
    return next;
  }

  /** Deletes a credential, fsynced before it returns. */
  delete(credentialId: string): boolean {
    this.uses.delete(credentialId);
    return this.durably(() => this.stmts.delete.run(credentialId).changes > 0);
  }

  /**
   * Writes the counters and lastUsedAt kept in memory, without fsync: the reservations are
   * durable already. Entries stay (one small object per credential used since start) so the
   * reservation is kept across idle periods and released exactly at close.
   */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.db.open) return;
    this.db.transaction(() => {
      for (const [id, use] of this.uses) {
        if (!use.dirty) continue;
        this.stmts.flush.run(use.counter, use.lastUsedAt, id);
        use.dirty = false;
      }
    })();
  }

  /** Writes the counters, releases this process's reservations (the next open continues exactly) and closes. Idempotent. */
  close(): void {
    if (!this.db.open) return;
    this.flush();
    this.durably(() =>
      this.db.transaction(() => {
        for (const [id, use] of this.uses) this.stmts.release.run(id, use.reserved);
      })(),
    );
    this.uses.clear();
    this.db.close();
  }

  /** `record` with this process's counter and lastUsedAt, which may be ahead of the file's. */
  private fresh<T extends CredentialRecord | undefined>(record: T): T {
    const use = record && this.uses.get(record.credentialId);
    return use ? { ...record, counter: use.counter, lastUsedAt: use.lastUsedAt } : record;
  }

  /** Runs `fn` with synchronous=FULL, so its commit is fsynced (with every WAL frame before it). */
  private durably<T>(fn: () => T): T {
    this.db.pragma('synchronous = FULL');
    try {
      return fn();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }
}
