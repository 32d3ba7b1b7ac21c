import type Database from 'better-sqlite3';
import type { Migration } from './migrations/Migration.js';

/**
 * Applies every migration not yet recorded in `schema_migrations`, in ascending version order,
 * each in its own transaction (a failing migration leaves the schema as it was). Returns the
 * versions applied now. Duplicate versions are a programming error (TypeError).
 */
export function runMigrations(db: Database.Database, migrations: readonly Migration[], now: number): number[] {
  const seen = new Set<number>();
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version < 1) throw new TypeError(`Bad migration version ${m.version}`);
    if (seen.has(m.version)) throw new TypeError(`Duplicate migration version ${m.version}`);
    seen.add(m.version);
  }
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, now);
    })();
    done.push(m.version);
  }
  return done;
}
