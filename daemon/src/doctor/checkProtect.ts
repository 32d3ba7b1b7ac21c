/** Protect can verify the user and device sign-in is on: the daemon's own eligibility verdict. */
import { type DoctorResult, doctorResult } from '../../../shared/doctor/doctorChecks.js';
import type { DoctorContext } from './DoctorContext.js';

export async function checkProtect(ctx: DoctorContext): Promise<DoctorResult> {
  if (!ctx.status.ok) return doctorResult('protect', 'skip', 'the daemon is not running');
  const { eligible, problem } = ctx.status.value.device;
  if (eligible === undefined) return doctorResult('protect', 'skip', 'the device side did not answer');
  if (eligible) return doctorResult('protect', 'ok', 'ready for device sign-in');
  // Enrollment problems have their own line above.
  if (problem?.code === 'ERR_NOT_ENROLLED' || problem?.code === 'ERR_ENROLLMENT_UNKNOWN') {
    return doctorResult('protect', 'skip', 'waits for enrollment');
  }
  return doctorResult(
    'protect',
    'fail',
    `${problem?.message ?? 'not ready'} (${problem?.code ?? 'unknown'})`,
    'keybound device show (then the step it names)',
  );
}
