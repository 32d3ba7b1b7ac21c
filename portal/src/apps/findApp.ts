/** Look-ups of SSO apps and their assignments. */
import type { PortalDb } from '../db/openDatabase.js';
import { type App, type AppRow, toApp } from './App.js';

export function findAppByClientId(db: PortalDb, clientId: string): App | undefined {
  const row = db.prepare('SELECT * FROM apps WHERE client_id = ?').get(clientId) as AppRow | undefined;
  return row && toApp(row);
}

export function findAppByName(db: PortalDb, orgId: string, name: string): App | undefined {
  const row = db.prepare('SELECT * FROM apps WHERE org_id = ? AND name = ?').get(orgId, name) as AppRow | undefined;
  return row && toApp(row);
}

/** Every app of the organisation (or of all organisations), by name. */
export function listApps(db: PortalDb, orgId?: string): App[] {
  const rows = orgId
    ? db.prepare('SELECT * FROM apps WHERE org_id = ? ORDER BY name').all(orgId)
    : db.prepare('SELECT * FROM apps ORDER BY name').all();
  return (rows as AppRow[]).map(toApp);
}

export function isAppAssigned(db: PortalDb, appId: string, userId: string): boolean {
  return db.prepare('SELECT 1 FROM app_assignments WHERE app_id = ? AND user_id = ?').get(appId, userId) !== undefined;
}

/** Emails of the users an app is assigned to, for `app list`. */
export function listAssignees(db: PortalDb, appId: string): string[] {
  const rows = db
    .prepare(
      'SELECT u.email FROM app_assignments a JOIN users u ON u.id = a.user_id WHERE a.app_id = ? ORDER BY u.email',
    )
    .all(appId) as { email: string }[];
  return rows.map((r) => r.email);
}

/** The stored hash of a confidential client's secret (undefined for public clients). */
export function findClientSecretHash(db: PortalDb, clientId: string): string | undefined {
  const row = db.prepare('SELECT client_secret_hash FROM apps WHERE client_id = ?').get(clientId) as
    | { client_secret_hash: string | null }
    | undefined;
  return row?.client_secret_hash ?? undefined;
}
