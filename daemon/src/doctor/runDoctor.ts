/**
 * `keybound doctor [--json]`: gathers the context once (the daemon's status over the control
 * socket, the portal from the device's enrollment), walks every link, prints one line per link
 * (and the fix under a broken one), and exits with the first broken link's code.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { POLICY_BROWSERS } from '../../../deploy/src/policy/browsers.js';
import { type DoctorResult, doctorExitCode } from '../../../shared/doctor/doctorChecks.js';
import { KeyboundError } from '../../../shared/errors.js';
import { defaultDataDir } from '../../../shared/node/dataDir.js';
import { controlCall } from '../control/controlClient.js';
import { runCommand } from '../install/runCommand.js';
import type { DaemonStatusView, DoctorContext } from './DoctorContext.js';
import { runChecks } from './runChecks.js';

export interface DoctorOptions {
  json?: boolean;
  dataDir?: string;
  portal?: string;
  extensionId?: string[];
  policyDir?: string[];
}

const MARK: Record<DoctorResult['status'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

export async function runDoctor(
  opts: DoctorOptions,
  out: (text: string) => void = (t) => process.stdout.write(t),
  overrides: Partial<DoctorContext> = {},
): Promise<number> {
  const ctx = await doctorContext(opts, overrides);
  const results = await runChecks(ctx);
  const code = doctorExitCode(results);
  if (opts.json) {
    out(`${JSON.stringify({ ok: code === 0, exitCode: code, checks: results }, null, 2)}\n`);
    return code;
  }
  const width = Math.max(...results.map((r) => r.title.length));
  for (const r of results) {
    out(`${MARK[r.status]}  ${r.title.padEnd(width)}  ${r.detail}\n`);
    if (r.fix && r.status !== 'ok' && r.status !== 'skip') out(`      ${' '.repeat(width)}  fix: ${r.fix}\n`);
  }
  const broken = results.find((r) => r.status === 'fail');
  out(broken ? `\nBroken link: ${broken.title} (exit ${code}).\n` : '\nEvery link is working.\n');
  return code;
}

export async function doctorContext(
  opts: DoctorOptions,
  overrides: Partial<DoctorContext> = {},
): Promise<DoctorContext> {
  const dataDir = opts.dataDir ?? defaultDataDir();
  let status: DoctorContext['status'];
  try {
    status = { ok: true, value: (await controlCall(dataDir, { op: 'status' }, 10_000)) as DaemonStatusView };
  } catch (err) {
    if (!(err instanceof KeyboundError)) throw err;
    status = { ok: false, code: err.code, message: err.message };
  }
  const platform = overrides.platform ?? process.platform;
  const policyDirs =
    opts.policyDir && opts.policyDir.length > 0
      ? opts.policyDir
      : platform === 'linux'
        ? Object.values(POLICY_BROWSERS).map((b) => b.linuxDir)
        : [];
  const portal = opts.portal ?? (await enrolledPortal(dataDir));
  return {
    platform,
    env: process.env,
    dataDir,
    extensionIds: opts.extensionId ?? [],
    policyDirs,
    ...(portal ? { portal } : {}),
    status,
    now: Date.now,
    run: runCommand,
    ...overrides,
  };
}

/** The portal the device enrolled with, from device.json (absent when it enrolled without one). */
async function enrolledPortal(dataDir: string): Promise<string | undefined> {
  try {
    const profile = JSON.parse(await readFile(join(dataDir, 'device.json'), 'utf8')) as {
      enrollment?: { portal?: unknown };
    };
    return typeof profile.enrollment?.portal === 'string' ? profile.enrollment.portal : undefined;
  } catch {
    return undefined;
  }
}
