/**
 * `keybound admin policy set|list|remove`: the organisation's posture rules. Each change is
 * audited with actor `admin:cli`; bad input is refused with ERR_BAD_REQUEST naming the value.
 */
import { PortalError } from '../../../shared/errors.js';
import { resolveOrganisation } from '../admin/adminActions.js';
import type { PortalDb } from '../db/PortalDb.js';
import { audit } from '../store/audit.js';
import {
  deletePostureRule,
  listPostureRules,
  POSTURE_RULES,
  type PostureMode,
  type PostureRuleName,
  upsertPostureRule,
} from './postureStore.js';

const MODES: readonly PostureMode[] = ['report', 'warn', 'block'];

function ruleName(rule: string): PostureRuleName {
  if (!(POSTURE_RULES as readonly string[]).includes(rule)) {
    throw new PortalError(
      'ERR_BAD_REQUEST',
      `Unknown posture rule "${rule}", expected one of ${POSTURE_RULES.join(', ')}`,
    );
  }
  return rule as PostureRuleName;
}

export async function policySet(
  db: PortalDb,
  now: number,
  input: { rule: string; mode: string; minVersion?: string; graceDays?: number; orgName?: string },
) {
  const rule = ruleName(input.rule);
  if (!MODES.includes(input.mode as PostureMode)) {
    throw new PortalError('ERR_BAD_REQUEST', `Unknown mode "${input.mode}", expected report, warn or block`);
  }
  if (rule === 'os-version' && !/^\d+(\.\d+){0,3}$/.test(input.minVersion ?? '')) {
    throw new PortalError(
      'ERR_BAD_REQUEST',
      `os-version needs --min-version like 13 or 22.04, got "${input.minVersion ?? ''}"`,
    );
  }
  if (rule !== 'os-version' && input.minVersion !== undefined) {
    throw new PortalError('ERR_BAD_REQUEST', `--min-version applies to os-version only, not ${rule}`);
  }
  const graceDays = input.graceDays ?? (input.mode === 'warn' ? 7 : 0);
  if (!Number.isInteger(graceDays) || graceDays < 0 || graceDays > 365) {
    throw new PortalError(
      'ERR_BAD_REQUEST',
      `--grace-days must be a whole number from 0 to 365, got "${input.graceDays}"`,
    );
  }
  const org = await resolveOrganisation(db, now, input.orgName);
  const stored = { rule, mode: input.mode as PostureMode, minVersion: input.minVersion ?? null, graceDays };
  await upsertPostureRule(db, org.id, stored, now);
  await audit(db, { event: 'admin.policy.set', actor: 'admin:cli', orgId: org.id, details: { ...stored } }, now);
  return { organisation: org.name, ...stored };
}

export async function policyList(db: PortalDb, now: number, orgName?: string) {
  const org = await resolveOrganisation(db, now, orgName);
  return (await listPostureRules(db, org.id)).map((r) => ({ organisation: org.name, ...r }));
}

export async function policyRemove(db: PortalDb, now: number, rule: string, orgName?: string) {
  const org = await resolveOrganisation(db, now, orgName);
  if (!(await deletePostureRule(db, org.id, ruleName(rule)))) {
    throw new PortalError('ERR_NOT_FOUND', `No posture rule "${rule}" in ${org.name}`);
  }
  await audit(db, { event: 'admin.policy.remove', actor: 'admin:cli', orgId: org.id, details: { rule } }, now);
  return { organisation: org.name, rule, removed: true };
}
