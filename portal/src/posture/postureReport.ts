/**
 * The posture verdict for one device in its organisation, from what the device last reported:
 * used by the device-health page, the home banner, protected-app access and the device list.
 */
import { UNKNOWN_POSTURE } from '../../../shared/device/postureSchema.js';
import type { SqlRunner } from '../db/PortalDb.js';
import { evaluatePosture, type RuleOutcome } from './evaluatePosture.js';
import { failingSince, getDevicePosture, listPostureRules } from './postureStore.js';

export interface PostureReport {
  reportedAt: number | null;
  outcomes: RuleOutcome[];
  /** The first rule that blocks now, if any. */
  blockedBy: RuleOutcome | undefined;
  /** Failing warn rules still in their grace period. */
  warnings: RuleOutcome[];
}

export async function postureReport(
  db: SqlRunner,
  orgId: string,
  deviceId: string,
  now: number,
): Promise<PostureReport> {
  const posture = await getDevicePosture(db, deviceId);
  const outcomes = evaluatePosture({
    rules: await listPostureRules(db, orgId),
    signals: posture?.signals ?? UNKNOWN_POSTURE,
    failingSince: await failingSince(db, deviceId),
    now,
  });
  return {
    reportedAt: posture?.reportedAt ?? null,
    outcomes,
    blockedBy: outcomes.find((o) => o.blocking),
    warnings: outcomes.filter((o) => o.mode === 'warn' && o.state !== 'pass' && !o.blocking),
  };
}

/** "Posture rule "firewall" (Firewall on) is not met: …" — the sentence refusals carry. */
export function describeBlockingRule(o: RuleOutcome): string {
  return `Posture rule "${o.rule}" (${o.title}) is not met on this device (reported: ${o.observed}). ${o.fix}`;
}
