/** The organisation's device inventory: identity keys registered at enrollment. */
import type { SqlRunner } from '../db/PortalDb.js';

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

export async function getDevice(db: SqlRunner, id: string): Promise<Device | undefined> {
  const row = await db.get<DeviceRow>('SELECT * FROM devices WHERE id = ?', [id]);
  return row && toDevice(row);
}

export async function listDevices(db: SqlRunner, orgId?: string): Promise<Device[]> {
  const rows = orgId
    ? await db.all<DeviceRow>('SELECT * FROM devices WHERE org_id = ? ORDER BY enrolled_at, id', [orgId])
    : await db.all<DeviceRow>('SELECT * FROM devices ORDER BY enrolled_at, id');
  return rows.map(toDevice);
}

export async function insertDevice(db: SqlRunner, d: Omit<Device, 'revokedAt'>): Promise<void> {
  await db.run(
    'INSERT INTO devices (id, org_id, public_jwk, enrollment_type, platform, name, enrolled_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [d.id, d.orgId, JSON.stringify(d.publicJwk), d.enrollmentType, d.platform, d.name, d.enrolledAt],
  );
}

/** Marks a device revoked; returns false if unknown or already revoked. */
export async function revokeDevice(db: SqlRunner, id: string, now: number): Promise<boolean> {
  const { changes } = await db.run('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, id]);
  return changes === 1;
}
