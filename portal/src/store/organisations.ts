/** Organisations: the policy holders (Device Trust, MFA) that users and devices belong to. */
import type { SqlRunner } from '../db/PortalDb.js';
import { randomId } from '../security/tokens.js';

export interface Organisation {
  id: string;
  name: string;
  deviceTrust: boolean;
  mfaRequired: boolean;
  /** Lifetime of the device-bound session cookie, renewed by each DBSC refresh (default 300). */
  sessionRefreshSeconds: number;
  createdAt: number;
}

interface OrgRow {
  id: string;
  name: string;
  device_trust: number;
  mfa_required: number;
  session_refresh_seconds: number;
  created_at: number;
}

const toOrg = (r: OrgRow): Organisation => ({
  id: r.id,
  name: r.name,
  deviceTrust: r.device_trust === 1,
  mfaRequired: r.mfa_required === 1,
  sessionRefreshSeconds: r.session_refresh_seconds,
  createdAt: r.created_at,
});

export const DEFAULT_ORGANISATION_NAME = 'Example Organisation';

export async function getOrganisation(db: SqlRunner, id: string): Promise<Organisation | undefined> {
  const row = await db.get<OrgRow>('SELECT * FROM organisations WHERE id = ?', [id]);
  return row && toOrg(row);
}

export async function findOrganisationByName(db: SqlRunner, name: string): Promise<Organisation | undefined> {
  const row = await db.get<OrgRow>('SELECT * FROM organisations WHERE name = ?', [name]);
  return row && toOrg(row);
}

export async function listOrganisations(db: SqlRunner): Promise<Organisation[]> {
  return (await db.all<OrgRow>('SELECT * FROM organisations ORDER BY created_at, name')).map(toOrg);
}

/** Returns the organisation named `name`, creating it (policies off) if it does not exist. */
export async function ensureOrganisation(db: SqlRunner, name: string, now: number): Promise<Organisation> {
  const existing = await findOrganisationByName(db, name);
  if (existing) return existing;
  // Two instances (or admin commands) creating it at once: the second insert does nothing.
  await db.run('INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING', [
    randomId('org'),
    name,
    now,
  ]);
  return (await findOrganisationByName(db, name)) as Organisation;
}

/**
 * The organisation admin commands act on when none is named: the only one, or the default one,
 * created on first use. A portal usually serves one organisation.
 */
export async function defaultOrganisation(db: SqlRunner, now: number): Promise<Organisation> {
  const all = await listOrganisations(db);
  if (all.length === 1) return all[0] as Organisation;
  return ensureOrganisation(db, DEFAULT_ORGANISATION_NAME, now);
}

export async function setDeviceTrust(db: SqlRunner, orgId: string, on: boolean): Promise<void> {
  await db.run('UPDATE organisations SET device_trust = ? WHERE id = ?', [on ? 1 : 0, orgId]);
}

export async function setMfaRequired(db: SqlRunner, orgId: string, required: boolean): Promise<void> {
  await db.run('UPDATE organisations SET mfa_required = ? WHERE id = ?', [required ? 1 : 0, orgId]);
}

export async function setSessionRefreshSeconds(db: SqlRunner, orgId: string, seconds: number): Promise<void> {
  await db.run('UPDATE organisations SET session_refresh_seconds = ? WHERE id = ?', [seconds, orgId]);
}
