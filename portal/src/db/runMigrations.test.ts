import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './openDatabase.js';
import { runMigrations } from './runMigrations.js';

describe('runMigrations', () => {
  it('should apply each migration once when run twice', () => {
    const db = new Database(':memory:');
    const migrations = [{ version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER)' }];
    expect(runMigrations(db, migrations, 1)).toEqual([1]);
    expect(runMigrations(db, migrations, 2)).toEqual([]);
    expect(db.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([{ version: 1, name: 'a' }]);
    db.close();
  });

  it('should leave the schema unchanged when a migration fails', () => {
    const db = new Database(':memory:');
    const bad = [{ version: 1, name: 'bad', sql: 'CREATE TABLE b (x INTEGER); SELECT * FROM missing_table;' }];
    expect(() => runMigrations(db, bad, 1)).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: 0 });
    db.close();
  });

  it('should refuse duplicate versions when they are given', () => {
    const db = new Database(':memory:');
    const dup = [
      { version: 3, name: 'x', sql: '' },
      { version: 3, name: 'y', sql: '' },
    ];
    expect(() => runMigrations(db, dup, 1)).toThrow(TypeError);
    db.close();
  });

  it('should create the core tables in WAL mode when a file is opened', () => {
    const db = openDatabase(':memory:');
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (t) => t.name,
    );
    expect(tables).toEqual(
      expect.arrayContaining(['organisations', 'users', 'sessions', 'devices', 'credentials', 'challenges', 'audit']),
    );
    db.close();
  });
});
