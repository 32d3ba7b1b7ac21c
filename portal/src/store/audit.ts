/** The audit trail: every sign-in and every admin change, one row each. */
import type { SqlRunner } from '../db/PortalDb.js';

export interface AuditEvent {
  id: number;
  at: number;
  event: string;
  actor: string;
  orgId: string | null;
  userId: string | null;
  deviceId: string | null;
  details: Record<string, unknown>;
}

export interface AuditInput {
  event: string;
  /** Who did it: `user:<id>`, `admin:cli`, `device:<id>`, `anonymous`. */
  actor: string;
  orgId?: string | null;
  userId?: string | null;
  deviceId?: string | null;
  /** Never secrets: no passwords, codes, tokens, challenges or keys. */
  details?: Record<string, unknown>;
}

export async function audit(db: SqlRunner, input: AuditInput, now: number): Promise<void> {
  await db.run(
    'INSERT INTO audit (at, event, actor, org_id, user_id, device_id, details) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [
      now,
      input.event,
      input.actor,
      input.orgId ?? null,
      input.userId ?? null,
      input.deviceId ?? null,
      JSON.stringify(input.details ?? {}),
    ],
  );
}

interface AuditRow {
  id: number;
  at: number;
  event: string;
  actor: string;
  org_id: string | null;
  user_id: string | null;
  device_id: string | null;
  details: string;
}

export async function listAudit(
  db: SqlRunner,
  options: { since?: number; limit?: number } = {},
): Promise<AuditEvent[]> {
  const rows = await db.all<AuditRow>('SELECT * FROM audit WHERE at >= ? ORDER BY id LIMIT ?', [
    options.since ?? 0,
    options.limit ?? 10_000,
  ]);
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    event: r.event,
    actor: r.actor,
    orgId: r.org_id,
    userId: r.user_id,
    deviceId: r.device_id,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));
}
