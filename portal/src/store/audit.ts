/** The audit trail: every sign-in and every admin change, one row each. */
import type { PortalDb } from '../db/openDatabase.js';

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

export function audit(db: PortalDb, input: AuditInput, now: number): void {
  db.prepare(
    'INSERT INTO audit (at, event, actor, org_id, user_id, device_id, details) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(
    now,
    input.event,
    input.actor,
    input.orgId ?? null,
    input.userId ?? null,
    input.deviceId ?? null,
    JSON.stringify(input.details ?? {}),
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

export function listAudit(db: PortalDb, options: { since?: number; limit?: number } = {}): AuditEvent[] {
  const rows = db
    .prepare('SELECT * FROM audit WHERE at >= ? ORDER BY id LIMIT ?')
    .all(options.since ?? 0, options.limit ?? 10_000) as AuditRow[];
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
