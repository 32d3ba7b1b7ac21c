/** Look-ups of SSO apps and their assignments. */
import type { SqlRunner } from '../db/PortalDb.js';
import { type App, type AppRow, toApp } from './App.js';

export async function findAppByClientId(db: SqlRunner, clientId: string): Promise<App | undefined> {
  const row = await db.get<AppRow>('SELECT * FROM apps WHERE client_id = ?', [clientId]);
  return row && toApp(row);
}

export async function findAppByName(db: SqlRunner, orgId: string, name: string): Promise<App | undefined> {
  const row = await db.get<AppRow>('SELECT * FROM apps WHERE org_id = ? AND name = ?', [orgId, name]);
  return row && toApp(row);
}

/** Every app of the organisation (or of all organisations), by name. */
export async function listApps(db: SqlRunner, orgId?: string): Promise<App[]> {
  const rows = orgId
    ? await db.all<AppRow>('SELECT * FROM apps WHERE org_id = ? ORDER BY name, id', [orgId])
    : await db.all<AppRow>('SELECT * FROM apps ORDER BY name, id');
  return rows.map(toApp);
}

export async function isAppAssigned(db: SqlRunner, appId: string, userId: string): Promise<boolean> {
  return (
    (await db.get('SELECT 1 FROM app_assignments WHERE app_id = ? AND user_id = ?', [appId, userId])) !== undefined
  );
}

/** Emails of the users an app is assigned to, for `app list`. */
export async function listAssignees(db: SqlRunner, appId: string): Promise<string[]> {
  const rows = await db.all<{ email: string }>(
    'SELECT u.email FROM app_assignments a JOIN users u ON u.id = a.user_id WHERE a.app_id = ? ORDER BY u.email',
    [appId],
  );
  return rows.map((r) => r.email);
}

/** The stored hash of a confidential client's secret (undefined for public clients). */
export async function findClientSecretHash(db: SqlRunner, clientId: string): Promise<string | undefined> {
  const row = await db.get<{ client_secret_hash: string | null }>(
    'SELECT client_secret_hash FROM apps WHERE client_id = ?',
    [clientId],
  );
  return row?.client_secret_hash ?? undefined;
}
