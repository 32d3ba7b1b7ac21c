/**
 * Runs one `keybound admin …` action: opens the database named by `--db` (default: the per-user
 * data folder), runs the action, prints its result (JSON with `--json`, else text), closes.
 * Failures print `{ error: { code, message } }` (JSON) or a sentence, and set exit code 1.
 * The OIDC part's `app` commands use it too.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { KeyboundError } from '../../../shared/errors.js';
import { defaultDataDir } from '../../../shared/node/dataDir.js';

export interface AdminGlobals {
  db?: string;
  json?: boolean;
}

/** The portal's default database file. */
export function defaultPortalDb(): string {
  return join(defaultDataDir(), 'portal.sqlite');
}

export type AdminAction = (db: import('../db/PortalDb.js').PortalDb, now: number) => unknown | Promise<unknown>;

/** `text` renders the result for people; without it the JSON is printed indented. */
export async function runAdmin(command: Command, action: AdminAction, text?: (result: never) => string): Promise<void> {
  const globals = command.optsWithGlobals() as AdminGlobals;
  const { openDatabase } = await import('../db/openDatabase.js');
  const { oidcMigrations } = await import('../oidc/oidcMigrations.js');
  let db: import('../db/PortalDb.js').PortalDb;
  try {
    db = await openDatabase(globals.db ?? defaultPortalDb(), { extraMigrations: oidcMigrations });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (globals.json)
      process.stdout.write(`${JSON.stringify({ error: { code: 'ERR_STORE_UNAVAILABLE', message } })}\n`);
    process.stderr.write(`keybound admin: cannot open the portal database: ${message}\n`);
    process.exitCode = 1;
    return;
  }
  try {
    const result = await action(db, Date.now());
    process.stdout.write(
      globals.json || !text ? `${JSON.stringify(result, null, globals.json ? 0 : 2)}\n` : `${text(result as never)}\n`,
    );
  } catch (err) {
    const wire =
      err instanceof KeyboundError
        ? err.toWire()
        : { code: 'ERR_INTERNAL', message: err instanceof Error ? err.message : String(err) };
    if (globals.json) process.stdout.write(`${JSON.stringify({ error: wire })}\n`);
    process.stderr.write(`keybound admin: ${wire.message}\n`);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
}

/** Renders rows as aligned columns (for `list` commands without --json). */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '-' : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [line(columns), ...cells.map(line)].join('\n');
}
