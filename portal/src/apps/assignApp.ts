import { PortalError } from '../../../shared/errors.js';
import type { SqlRunner } from '../db/PortalDb.js';
import { findUserInOrg } from '../store/users.js';
import type { App } from './App.js';
import { findAppByName } from './findApp.js';

/**
 * Assigns the app named `appName` to the user with `email`, both in organisation `orgId`.
 * Idempotent: assigning twice is not an error. Returns the app and user id; throws PortalError
 * ERR_NOT_FOUND naming what is missing.
 */
export async function assignApp(
  db: SqlRunner,
  input: { orgId: string; appName: string; email: string; now?: number },
): Promise<{ app: App; userId: string; alreadyAssigned: boolean }> {
  const app = await findAppByName(db, input.orgId, input.appName.trim());
  if (!app) throw new PortalError('ERR_NOT_FOUND', `No app named "${input.appName}"`);
  const user = await findUserInOrg(db, input.orgId, input.email);
  if (!user) throw new PortalError('ERR_NOT_FOUND', `No user with email "${input.email}"`);
  const { changes } = await db.run(
    'INSERT INTO app_assignments (app_id, user_id, assigned_at) VALUES (?, ?, ?) ON CONFLICT (app_id, user_id) DO NOTHING',
    [app.id, user.id, input.now ?? Date.now()],
  );
  return { app, userId: user.id, alreadyAssigned: changes === 0 };
}
