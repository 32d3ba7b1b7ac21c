/**
 * The shared store: a PostgreSQL database through node-postgres (`pg`), behind the async
 * {@link PortalDb} surface, for several portal instances at once. 64-bit integers (times in
 * milliseconds, counts) come back as numbers, like SQLite's; statements are named so each pooled
 * connection parses them once. A lost connection becomes {@link storeUnavailable} (HTTP 503) and
 * the pool reconnects on the next request, so the portal recovers without a restart.
 */
import pg from 'pg';
import type { Logger } from '../../../shared/node/createLogger.js';
import type { PortalDb, SqlRunner, SqlValue, TransactionOptions } from './PortalDb.js';
import { isConnectionFailure, storeUnavailable } from './storeUnavailable.js';
import { toPostgresPlaceholders } from './toPostgresSql.js';

export interface PostgresDb extends PortalDb {
  readonly dialect: 'postgres';
  readonly pool: pg.Pool;
}

export interface PostgresOptions {
  /** Connections per portal process. */
  maxConnections?: number;
  /** How long a request waits for a connection before it gets a 503. */
  connectTimeoutMs?: number;
  logger?: Logger;
}

const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

const names = new Map<string, string>();
function query(sql: string, params: readonly SqlValue[]): pg.QueryConfig {
  const text = toPostgresPlaceholders(sql);
  let name = names.get(text);
  if (!name) {
    name = `kb${names.size + 1}`;
    names.set(text, name);
  }
  return { name, text, values: params as unknown[] };
}

function translate(err: unknown): unknown {
  return isConnectionFailure(err) ? storeUnavailable(err) : err;
}

function runnerOver(target: pg.Pool | pg.PoolClient, owner: () => object): SqlRunner {
  const exec = async (sql: string, params: readonly SqlValue[] = []): Promise<pg.QueryResult> => {
    try {
      return await target.query(query(sql, params));
    } catch (err) {
      throw translate(err);
    }
  };
  return {
    get owner() {
      return owner();
    },
    get: async <T>(sql: string, params?: readonly SqlValue[]) => (await exec(sql, params)).rows[0] as T | undefined,
    all: async <T>(sql: string, params?: readonly SqlValue[]) => (await exec(sql, params)).rows as T[],
    run: async (sql: string, params?: readonly SqlValue[]) => ({ changes: (await exec(sql, params)).rowCount ?? 0 }),
    exec: async (sql: string) => {
      try {
        await target.query(sql);
      } catch (err) {
        throw translate(err);
      }
    },
  };
}

/** Opens a pool on `url` (`postgres://user@host:port/db`, or `?host=/socket/dir`). */
export function openPostgresDb(url: string, options: PostgresOptions = {}): PostgresDb {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    types,
  });
  // An idle connection the server dropped must not crash the process; the pool replaces it.
  pool.on('error', (err) => {
    options.logger?.warn({ event: 'store.connection-lost', code: (err as { code?: string }).code }, err.message);
  });
  const outside = runnerOver(pool, () => db);
  const db: PostgresDb = {
    dialect: 'postgres',
    pool,
    owner: {},
    get: outside.get,
    all: outside.all,
    run: outside.run,
    exec: outside.exec,
    async transaction<T>(fn: (tx: SqlRunner) => Promise<T>, txOptions: TransactionOptions = {}): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw translate(err);
      }
      let broken: unknown;
      try {
        const tx = runnerOver(client, () => db);
        await tx.run('BEGIN');
        if (txOptions.lock) await tx.get('SELECT pg_advisory_xact_lock(hashtext(?))', [txOptions.lock]);
        try {
          const result = await fn(tx);
          await tx.run('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
            broken = rollbackErr;
          });
          throw err;
        }
      } catch (err) {
        if (isConnectionFailure(err) || (err as { code?: string }).code === 'ERR_STORE_UNAVAILABLE') broken ??= err;
        throw translate(err);
      } finally {
        // A broken connection is destroyed, not returned to the pool.
        client.release(broken instanceof Error ? broken : broken ? new Error('connection broken') : undefined);
      }
    },
    async close() {
      await pool.end();
    },
  };
  (db as { owner: object }).owner = db;
  return db;
}
