/**
 * Posture policy, evaluated: each rule of the organisation against the device's last signals.
 * Pure (time and failure history passed in). A signal the device could not read ("unknown") does
 * not prove compliance, so the rule fails with state "unknown" and says how to make it readable.
 */
import type { PostureSignals } from '../../../shared/device/postureSchema.js';
import type { PostureMode, PostureRule, PostureRuleName } from './postureStore.js';

export type RuleState = 'pass' | 'fail' | 'unknown';

export interface RuleOutcome {
  rule: PostureRuleName;
  mode: PostureMode;
  state: RuleState;
  /** One sentence: what the rule asks. */
  title: string;
  /** What the device reported. */
  observed: string;
  /** How to fix it, for the user. */
  fix: string;
  /** warn: when the grace period ends (ms), once failing. */
  graceEndsAt: number | null;
  /** The rule refuses the session now (block, or warn past its grace). */
  blocking: boolean;
}

const DAY_MS = 24 * 60 * 60_000;

/** Compares dotted versions numerically ("13.10" > "13.9"); non-numeric parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.\-_]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.\-_]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function judge(
  rule: PostureRule,
  s: PostureSignals,
): { state: RuleState; title: string; observed: string; fix: string } {
  const onOff = (value: 'on' | 'off' | 'unknown', title: string, fix: string) => ({
    state: value === 'on' ? ('pass' as const) : value === 'off' ? ('fail' as const) : ('unknown' as const),
    title,
    observed: value,
    fix,
  });
  switch (rule.rule) {
    case 'os-version': {
      const min = rule.minVersion ?? '0';
      const known = s.osVersion !== 'unknown';
      return {
        state: !known ? 'unknown' : compareVersions(s.osVersion, min) >= 0 ? 'pass' : 'fail',
        title: `Operating system at least version ${min}`,
        observed: `${s.osName} ${s.osVersion}`,
        fix: `Update ${s.osName === 'unknown' ? 'the operating system' : s.osName} to version ${min} or later, then restart.`,
      };
    }
    case 'disk-encryption':
      return onOff(
        s.diskEncryption,
        'Disk encrypted',
        'Turn on full-disk encryption (FileVault, BitLocker, or LUKS for the system disk).',
      );
    case 'firewall':
      return onOff(
        s.firewall,
        'Firewall on',
        'Turn on the firewall (macOS Firewall, Windows Defender Firewall, ufw/firewalld/nftables).',
      );
    case 'screen-lock':
      return onOff(
        s.screenLock,
        'Screen lock on',
        'Turn on the automatic screen lock with a password in your system settings.',
      );
  }
}

export function evaluatePosture(input: {
  rules: PostureRule[];
  signals: PostureSignals;
  failingSince: Map<string, number>;
  now: number;
}): RuleOutcome[] {
  return input.rules.map((rule) => {
    const verdict = judge(rule, input.signals);
    const failing = verdict.state !== 'pass';
    const since = input.failingSince.get(rule.rule) ?? input.now;
    const graceEndsAt = failing && rule.mode === 'warn' ? since + rule.graceDays * DAY_MS : null;
    const blocking =
      failing && (rule.mode === 'block' || (rule.mode === 'warn' && graceEndsAt !== null && input.now >= graceEndsAt));
    return { rule: rule.rule, mode: rule.mode, ...verdict, graceEndsAt, blocking };
  });
}
