/**
 * Posture storage: the organisation's rules, the last signals each device reported (in a signed
 * posture statement), and since when each rule has failed for a device (a `warn` rule's grace
 * period counts from there).
 */
import type { PostureSignals } from '../../../shared/device/postureSchema.js';
import type { PortalDb, SqlRunner } from '../db/PortalDb.js';

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

export async function listPostureRules(db: SqlRunner, orgId: string): Promise<PostureRule[]> {
  const rows = await db.all<RuleRow>(
    'SELECT rule, mode, min_version, grace_days FROM posture_rules WHERE org_id = ? ORDER BY rule',
    [orgId],
  );
  return rows.map((r) => ({ rule: r.rule, mode: r.mode, minVersion: r.min_version, graceDays: r.grace_days }));
}

export async function upsertPostureRule(db: SqlRunner, orgId: string, rule: PostureRule, now: number): Promise<void> {
  await db.run(
    `INSERT INTO posture_rules (org_id, rule, mode, min_version, grace_days, created_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (org_id, rule) DO UPDATE SET mode = excluded.mode, min_version = excluded.min_version,
       grace_days = excluded.grace_days`,
    [orgId, rule.rule, rule.mode, rule.minVersion, rule.graceDays, now],
  );
}

export async function deletePostureRule(db: SqlRunner, orgId: string, rule: string): Promise<boolean> {
  return (await db.run('DELETE FROM posture_rules WHERE org_id = ? AND rule = ?', [orgId, rule])).changes === 1;
}

export interface DevicePosture {
  signals: PostureSignals;
  reportedAt: number;
}

export async function getDevicePosture(db: SqlRunner, deviceId: string): Promise<DevicePosture | undefined> {
  const row = await db.get<{ signals: string; reported_at: number }>(
    'SELECT signals, reported_at FROM device_posture WHERE device_id = ?',
    [deviceId],
  );
  return row && { signals: JSON.parse(row.signals) as PostureSignals, reportedAt: row.reported_at };
}

export async function saveDevicePosture(
  db: SqlRunner,
  deviceId: string,
  signals: PostureSignals,
  now: number,
): Promise<void> {
  await db.run(
    `INSERT INTO device_posture (device_id, signals, reported_at) VALUES (?, ?, ?)
     ON CONFLICT (device_id) DO UPDATE SET signals = excluded.signals, reported_at = excluded.reported_at`,
    [deviceId, JSON.stringify(signals), now],
  );
}

/** Since when each rule has been failing for the device. */
export async function failingSince(db: SqlRunner, deviceId: string): Promise<Map<string, number>> {
  const rows = await db.all<{ rule: string; failing_since: number }>(
    'SELECT rule, failing_since FROM posture_failures WHERE device_id = ?',
    [deviceId],
  );
  return new Map(rows.map((r) => [r.rule, r.failing_since]));
}

/** Records the rules failing now (keeping earlier start times) and clears the ones that pass. */
export async function updateFailures(db: PortalDb, deviceId: string, failing: string[], now: number): Promise<void> {
  await db.transaction(async (tx) => {
    // One placeholder per failing rule (at most the four rule names): SQL both engines accept.
    const notIn = failing.length ? ` AND rule NOT IN (${failing.map(() => '?').join(', ')})` : '';
    await tx.run(`DELETE FROM posture_failures WHERE device_id = ?${notIn}`, [deviceId, ...failing]);
    for (const rule of failing) {
      await tx.run(
        'INSERT INTO posture_failures (device_id, rule, failing_since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        [deviceId, rule, now],
      );
    }
  });
}
