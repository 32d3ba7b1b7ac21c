/**
 * Posture storage: the organisation's rules, the last signals each device reported (in a signed
 * posture statement), and since when each rule has failed for a device (a `warn` rule's grace
 * period counts from there).
 */
import type { PostureSignals } from '../../../shared/device/postureSchema.js';
import type { PortalDb } from '../db/openDatabase.js';

export const POSTURE_RULES = ['os-version', 'disk-encryption', 'firewall', 'screen-lock'] as const;
export type PostureRuleName = (typeof POSTURE_RULES)[number];
export type PostureMode = 'report' | 'warn' | 'block';

export interface PostureRule {
  rule: PostureRuleName;
  mode: PostureMode;
  /** os-version only: the lowest accepted version, dotted numbers. */
  minVersion: string | null;
  /** warn only: days from the first failure until the rule blocks. */
  graceDays: number;
}

interface RuleRow {
  rule: PostureRuleName;
  mode: PostureMode;
  min_version: string | null;
  grace_days: number;
}

export function listPostureRules(db: PortalDb, orgId: string): PostureRule[] {
  const rows = db
    .prepare('SELECT rule, mode, min_version, grace_days FROM posture_rules WHERE org_id = ? ORDER BY rule')
    .all(orgId) as RuleRow[];
  return rows.map((r) => ({ rule: r.rule, mode: r.mode, minVersion: r.min_version, graceDays: r.grace_days }));
}

export function upsertPostureRule(db: PortalDb, orgId: string, rule: PostureRule, now: number): void {
  db.prepare(
    `INSERT INTO posture_rules (org_id, rule, mode, min_version, grace_days, created_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (org_id, rule) DO UPDATE SET mode = excluded.mode, min_version = excluded.min_version,
       grace_days = excluded.grace_days`,
  ).run(orgId, rule.rule, rule.mode, rule.minVersion, rule.graceDays, now);
}

export function deletePostureRule(db: PortalDb, orgId: string, rule: string): boolean {
  return db.prepare('DELETE FROM posture_rules WHERE org_id = ? AND rule = ?').run(orgId, rule).changes === 1;
}

export interface DevicePosture {
  signals: PostureSignals;
  reportedAt: number;
}

export function getDevicePosture(db: PortalDb, deviceId: string): DevicePosture | undefined {
  const row = db.prepare('SELECT signals, reported_at FROM device_posture WHERE device_id = ?').get(deviceId) as
    | { signals: string; reported_at: number }
    | undefined;
  return row && { signals: JSON.parse(row.signals) as PostureSignals, reportedAt: row.reported_at };
}

export function saveDevicePosture(db: PortalDb, deviceId: string, signals: PostureSignals, now: number): void {
  db.prepare(
    `INSERT INTO device_posture (device_id, signals, reported_at) VALUES (?, ?, ?)
     ON CONFLICT (device_id) DO UPDATE SET signals = excluded.signals, reported_at = excluded.reported_at`,
  ).run(deviceId, JSON.stringify(signals), now);
}

/** Since when each rule has been failing for the device. */
export function failingSince(db: PortalDb, deviceId: string): Map<string, number> {
  const rows = db.prepare('SELECT rule, failing_since FROM posture_failures WHERE device_id = ?').all(deviceId) as {
    rule: string;
    failing_since: number;
  }[];
  return new Map(rows.map((r) => [r.rule, r.failing_since]));
}

/** Records the rules failing now (keeping earlier start times) and clears the ones that pass. */
export function updateFailures(db: PortalDb, deviceId: string, failing: string[], now: number): void {
  db.transaction(() => {
    db.prepare(`DELETE FROM posture_failures WHERE device_id = ? AND rule NOT IN (SELECT value FROM json_each(?))`).run(
      deviceId,
      JSON.stringify(failing),
    );
    const insert = db.prepare(
      'INSERT INTO posture_failures (device_id, rule, failing_since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
    for (const rule of failing) insert.run(deviceId, rule, now);
  })();
}
