import type { Migration } from './migrations/Migration.js';
import type { PortalDb } from './PortalDb.js';
import { toPostgresSchema } from './toPostgresSql.js';

/** Held (PostgreSQL advisory lock) while migrating, so two instances starting at once take turns. */
export const MIGRATION_LOCK = 'keybound:migrations';

/**
 * Applies every migration not yet recorded in `schema_migrations`, in ascending version order,
 * each in its own transaction (a failing migration leaves the schema as it was). Each transaction
 * takes the migration lock and checks again that its version is still missing, so a second
 * instance starting at the same moment waits and then applies nothing twice. Returns the versions
 * applied now. Duplicate versions are a programming error (TypeError).
 */
export async function runMigrations(db: PortalDb, migrations: readonly Migration[], now: number): Promise<number[]> {
  const seen = new Set<number>();
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version < 1) throw new TypeError(`Bad migration version ${m.version}`);
    if (seen.has(m.version)) throw new TypeError(`Duplicate migration version ${m.version}`);
    seen.add(m.version);
  }
  await db.transaction(
    (tx) =>
      tx.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      ),
    { lock: MIGRATION_LOCK },
  );
  const applied = new Set(
    (await db.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  const done: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    const ran = await db.transaction(
      async (tx) => {
        if (await tx.get('SELECT 1 FROM schema_migrations WHERE version = ?', [m.version])) return false;
        await tx.exec(db.dialect === 'postgres' ? (m.postgres ?? toPostgresSchema(m.sql)) : m.sql);
        await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
          m.version,
          m.name,
          now,
        ]);
        return true;
      },
      { lock: MIGRATION_LOCK },
    );
    if (ran) done.push(m.version);
  }
  return done;
}
