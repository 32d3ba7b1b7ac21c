/**
 * Which store the portal tests run against: SQLite (the default) or, in the `postgres` test
 * project (KEYBOUND_TEST_STORE=postgres), a fresh database on the run's PostgreSQL cluster — so
 * the same tests prove both implementations. Each test gets its own database and drops it after.
 */
import { join } from 'node:path';
import { inject } from 'vitest';
import { createDatabaseAt, dropDatabaseAt } from '../../dev/postgresCluster.js';
import { type OpenDatabaseOptions, openDatabase } from '../../portal/src/db/openDatabase.js';
import type { PortalDb } from '../../portal/src/db/PortalDb.js';

export type TestStoreKind = 'sqlite' | 'postgres';

export function testStoreKind(): TestStoreKind {
  return process.env.KEYBOUND_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';
}

export interface TestDatabase {
  /** What `startPortal({ database })`, `openDatabase` and `--db` take. */
  location: string;
  drop(): Promise<void>;
}

/** A new, empty store: `dir/name` for SQLite, a new PostgreSQL database otherwise. */
export async function newTestDatabase(dir: string, name = 'portal.sqlite'): Promise<TestDatabase> {
  if (testStoreKind() === 'sqlite') return { location: join(dir, name), drop: async () => undefined };
  const adminUrl = inject('postgresAdminUrl');
  if (!adminUrl) throw new Error('KEYBOUND_TEST_STORE=postgres, but no PostgreSQL cluster was started');
  const location = await createDatabaseAt(adminUrl);
  return { location, drop: () => dropDatabaseAt(adminUrl, location) };
}

/** `':memory:'` for SQLite unit tests, a fresh PostgreSQL database otherwise. */
export async function newUnitTestDatabase(): Promise<TestDatabase> {
  if (testStoreKind() === 'sqlite') return { location: ':memory:', drop: async () => undefined };
  return newTestDatabase('');
}

/** An open, migrated store for unit tests; `close()` also drops the PostgreSQL database. */
export async function openUnitTestStore(options: OpenDatabaseOptions = {}): Promise<PortalDb> {
  const target = await newUnitTestDatabase();
  const db = await openDatabase(target.location, options);
  return {
    ...db,
    async close() {
      await db.close();
      await target.drop();
    },
  };
}
