/**
 * The portal's one store abstraction: a small async SQL surface that both the embedded SQLite file
 * and a shared PostgreSQL server implement, so every store module (users, sessions, challenges,
 * the OIDC adapter, …) is written once. SQL is written in the common dialect of both: `?`
 * placeholders (turned into `$n` for PostgreSQL), `ON CONFLICT … DO UPDATE`, `RETURNING`, integers
 * for times and flags (see docs/decisions/0090-portal-store-abstraction.md).
 */

/** What a statement parameter may be. Booleans are stored as 0/1 by the caller. */
export type SqlValue = string | number | null | Uint8Array;

/** Statements outside or inside a transaction. */
export interface SqlRunner {
  /**
   * The store this runner belongs to (itself, or the store a transaction runs in): per-store
   * state such as the at-rest key (secretsAtRest.ts) is found through it.
   */
  readonly owner: object;
  /** The first row, or undefined. */
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Every row. */
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** A statement without rows; `changes` is the number of rows it inserted, updated or deleted. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** A script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type SqlDialect = 'sqlite' | 'postgres';

export interface TransactionOptions {
  /**
   * Serialise this transaction with every other one that names the same lock, across processes
   * (PostgreSQL: a transaction-scoped advisory lock; SQLite: already serial). For "create once"
   * work such as the OIDC keys, where two instances starting at once must agree on one result.
   */
  lock?: string;
}

export interface PortalDb extends SqlRunner {
  readonly dialect: SqlDialect;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. Use only
   * `tx` inside (the outer `db` waits for the transaction to end, so using it inside deadlocks).
   */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Closes the file or the connection pool; waits for statements in flight. */
  close(): Promise<void>;
}
