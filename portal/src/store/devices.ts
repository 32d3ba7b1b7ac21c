/** The organisation's device inventory: identity keys registered at enrollment. */
import type { PortalDb } from '../db/openDatabase.js';

export interface Device {
  id: string;
  orgId: string;
  publicJwk: JsonWebKey;
  enrollmentType: string;
  platform: string;
  name: string;
  enrolledAt: number;
  revokedAt: number | null;
}

interface DeviceRow {
  id: string;
  org_id: string;
  public_jwk: string;
  enrollment_type: string;
  platform: string;
  name: string;
  enrolled_at: number;
  revoked_at: number | null;
}

const toDevice = (r: DeviceRow): Device => ({
  id: r.id,
  orgId: r.org_id,
  publicJwk: JSON.parse(r.public_jwk) as JsonWebKey,
  enrollmentType: r.enrollment_type,
  platform: r.platform,
  name: r.name,
  enrolledAt: r.enrolled_at,
  revokedAt: r.revoked_at,
});

export function getDevice(db: PortalDb, id: string): Device | undefined {
  const row = db.prepare('SELECT * FROM devices WHERE id = ?').get(id) as DeviceRow | undefined;
  return row && toDevice(row);
}

export function listDevices(db: PortalDb, orgId?: string): Device[] {
  const rows = orgId
    ? db.prepare('SELECT * FROM devices WHERE org_id = ? ORDER BY enrolled_at').all(orgId)
    : db.prepare('SELECT * FROM devices ORDER BY enrolled_at').all();
  return (rows as DeviceRow[]).map(toDevice);
}

export function insertDevice(db: PortalDb, d: Omit<Device, 'revokedAt'>): void {
  db.prepare(
    'INSERT INTO devices (id, org_id, public_jwk, enrollment_type, platform, name, enrolled_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(d.id, d.orgId, JSON.stringify(d.publicJwk), d.enrollmentType, d.platform, d.name, d.enrolledAt);
}

/** Marks a device revoked; returns false if unknown or already revoked. */
export function revokeDevice(db: PortalDb, id: string, now: number): boolean {
  return db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes === 1;
}
