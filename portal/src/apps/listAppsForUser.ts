import type { PortalDb } from '../db/openDatabase.js';
import { type App, type AppRow, toApp } from './App.js';

/**
 * The apps assigned to a user, by name: what the portal's home page shows as tiles (each tile
 * links to `launchUrl`; `protected` apps can be marked as needing a trusted device). Users see
 * only the apps assigned to them.
 */
export function listAppsForUser(db: PortalDb, userId: string): App[] {
  const rows = db
    .prepare('SELECT a.* FROM apps a JOIN app_assignments s ON s.app_id = a.id WHERE s.user_id = ? ORDER BY a.name')
    .all(userId) as AppRow[];
  return rows.map(toApp);
}
