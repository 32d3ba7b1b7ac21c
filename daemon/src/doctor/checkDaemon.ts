/** The daemon answers on this user's control socket. */
import { type DoctorResult, doctorResult } from '../../../shared/doctor/doctorChecks.js';
import type { DoctorContext } from './DoctorContext.js';

export async function checkDaemon(ctx: DoctorContext): Promise<DoctorResult> {
  if (ctx.status.ok) {
    const d = ctx.status.value.daemon;
    return doctorResult('daemon', 'ok', `pid ${d.pid}, data dir ${d.dataDir}`);
  }
  return doctorResult(
    'daemon',
    'fail',
    `${ctx.status.message} (${ctx.status.code}; data dir ${ctx.dataDir})`,
    'start the service (see above), or run `keybound daemon` to see why it stops',
  );
}
