/**
 * The human output of `keybound device …`: `show` prints the whole profile as aligned
 * `name  value` lines; a command that changes the profile prints only what changed
 * (`path  before → after`) and where eligibility stands now. `--json` is for scripts.
 */
import type { WireError } from '../../../shared/errors.js';
import type { DeviceProfile } from '../device/deviceProfile.js';

export interface ShownDevice {
  profile: DeviceProfile;
  eligible: boolean;
  problem?: WireError;
}

/** Aligned `name  value` lines, the one human format of the device-side CLI. */
export function formatRows(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}\n`).join('');
}

export function describeDevice(shown: ShownDevice): string {
  const p = shown.profile;
  const e = p.enrollment;
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  return formatRows([
    ['platform', p.platform],
    ['enrollment', `${e.state}${e.type ? ` (${e.type})` : ''}${e.organisation ? `, ${e.organisation}` : ''}`],
    ...(e.deviceId ? [['device id', `${e.deviceId}${e.portal ? ` at ${e.portal}` : ''}`] as const] : []),
    [
      'protect',
      `${p.protect.installed ? `installed (${p.protect.source})` : 'not installed'}, opened ${yes(p.protect.opened)}, notifications ${yes(p.protect.notifications)}`,
    ],
    ['takeover approved', `${yes(p.protect.takeoverApproved)}; personal copy: ${p.protect.personalCopyDecision}`],
    [
      'user verification',
      `biometrics ${yes(p.userVerification.biometrics)}, pin ${yes(p.userVerification.pin)}; work profile biometrics ${yes(p.userVerification.workProfile.biometrics)}, pin ${yes(p.userVerification.workProfile.pin)}`,
    ],
    ['device sign-in', p.settings.deviceSignIn ? 'on' : 'off'],
    eligibilityRow(shown),
  ]);
}

/** What a command changed, then eligibility; "no change" when the command found it done already. */
export function describeDeviceChange(before: ShownDevice, after: ShownDevice): string {
  const changed = diffLeaves(before.profile, after.profile).filter(([path]) => path !== 'enrollment.identityKeyRef');
  const rows = changed.map(([path, from, to]) => [path, `${show(from)} → ${show(to)}`] as const);
  return formatRows([...(rows.length > 0 ? rows : ([['no change', '']] as const)), eligibilityRow(after)]);
}

function eligibilityRow(shown: ShownDevice): readonly [string, string] {
  return ['eligible', shown.eligible ? 'yes' : `no: ${shown.problem?.code} — ${shown.problem?.message}`];
}

function show(value: unknown): string {
  if (value === undefined) return '(none)';
  if (value === true) return 'on';
  if (value === false) return 'off';
  return String(value);
}

type Leaf = [path: string, before: unknown, after: unknown];

function diffLeaves(a: unknown, b: unknown, prefix = ''): Leaf[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (!isObject(a) || !isObject(b)) return a === b ? [] : [[prefix, a, b]];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.flatMap((k) => diffLeaves(a[k], b[k], prefix ? `${prefix}.${k}` : k));
}
