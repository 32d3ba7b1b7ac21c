/** Organisations: the policy holders (Device Trust, MFA) that users and devices belong to. */
import type { PortalDb } from '../db/openDatabase.js';
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

export function getOrganisation(db: PortalDb, id: string): Organisation | undefined {
  const row = db.prepare('SELECT * FROM organisations WHERE id = ?').get(id) as OrgRow | undefined;
  return row && toOrg(row);
}

export function findOrganisationByName(db: PortalDb, name: string): Organisation | undefined {
  const row = db.prepare('SELECT * FROM organisations WHERE name = ?').get(name) as OrgRow | undefined;
  return row && toOrg(row);
}

export function listOrganisations(db: PortalDb): Organisation[] {
  return (db.prepare('SELECT * FROM organisations ORDER BY created_at, name').all() as OrgRow[]).map(toOrg);
}

/** Returns the organisation named `name`, creating it (policies off) if it does not exist. */
export function ensureOrganisation(db: PortalDb, name: string, now: number): Organisation {
  const existing = findOrganisationByName(db, name);
  if (existing) return existing;
  const id = randomId('org');
  db.prepare('INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)').run(id, name, now);
  return getOrganisation(db, id) as Organisation;
}

/**
 * The organisation admin commands act on when none is named: the only one, or the default one,
 * created on first use. A portal usually serves one organisation.
 */
export function defaultOrganisation(db: PortalDb, now: number): Organisation {
  const all = listOrganisations(db);
  if (all.length === 1) return all[0] as Organisation;
  return ensureOrganisation(db, DEFAULT_ORGANISATION_NAME, now);
}

export function setDeviceTrust(db: PortalDb, orgId: string, on: boolean): void {
  db.prepare('UPDATE organisations SET device_trust = ? WHERE id = ?').run(on ? 1 : 0, orgId);
}

export function setMfaRequired(db: PortalDb, orgId: string, required: boolean): void {
  db.prepare('UPDATE organisations SET mfa_required = ? WHERE id = ?').run(required ? 1 : 0, orgId);
}

export function setSessionRefreshSeconds(db: PortalDb, orgId: string, seconds: number): void {
  db.prepare('UPDATE organisations SET session_refresh_seconds = ? WHERE id = ?').run(seconds, orgId);
}
