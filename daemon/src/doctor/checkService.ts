/** The daemon's service file is installed and, where the OS can tell, running. */
import { stat } from 'node:fs/promises';
import { type DoctorResult, doctorResult } from '../../../shared/doctor/doctorChecks.js';
import { LAUNCHD_LABEL, SERVICE_NAME, serviceDefinition } from '../install/serviceDefinition.js';
import type { DoctorContext } from './DoctorContext.js';

export async function checkService(ctx: DoctorContext): Promise<DoctorResult> {
  const defs = [false, true].map((system) =>
    serviceDefinition({ platform: ctx.platform, system, env: ctx.env, command: [] }),
  );
  const installed = [];
  for (const def of defs) if (await stat(def.path).catch(() => undefined)) installed.push(def);
  const [def] = installed;
  if (!def) {
    return doctorResult(
      'service',
      'fail',
      `no service file (looked at ${defs.map((d) => d.path).join(', ')})`,
      'keybound install',
    );
  }
  const start =
    def.kind === 'systemd'
      ? `systemctl --user start ${SERVICE_NAME}`
      : def.kind === 'launchd'
        ? `launchctl kickstart gui/$(id -u)/${LAUNCHD_LABEL}`
        : 'schtasks /Run /TN \\Keybound\\Daemon';
  const active = def.isActive ? await ctx.run(def.isActive, ctx.env) : undefined;
  if (active?.ok) return doctorResult('service', 'ok', `${def.path}, running`);
  // No session manager to ask (e.g. no systemd user session): the control socket tells.
  const askable = active !== undefined && !/bus|connect|not found|No such/i.test(active.output);
  if (!askable && ctx.status.ok) return doctorResult('service', 'ok', `${def.path} installed; the daemon runs`);
  return doctorResult('service', 'fail', `${def.path} installed but the daemon is not running`, start);
}
