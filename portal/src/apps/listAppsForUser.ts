import type { SqlRunner } from '../db/PortalDb.js';
import { type App, type AppRow, toApp } from './App.js';

/**
 * The apps assigned to a user, by name: what the portal's home page shows as tiles (each tile
 * links to `launchUrl`; `protected` apps can be marked as needing a trusted device). Users see
 * only the apps assigned to them.
 */
export async function listAppsForUser(db: SqlRunner, userId: string): Promise<App[]> {
  const rows = await db.all<AppRow>(
    'SELECT a.* FROM apps a JOIN app_assignments s ON s.app_id = a.id WHERE s.user_id = ? ORDER BY a.name, a.id',
    [userId],
  );
  return rows.map(toApp);
}
