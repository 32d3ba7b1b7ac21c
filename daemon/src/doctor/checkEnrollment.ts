/** The device is enrolled in device management (as the daemon's device source reports it). */
import { type DoctorResult, doctorResult } from '../../../shared/doctor/doctorChecks.js';
import type { DoctorContext } from './DoctorContext.js';

export async function checkEnrollment(ctx: DoctorContext): Promise<DoctorResult> {
  if (!ctx.status.ok) return doctorResult('enrollment', 'skip', 'the daemon is not running');
  const { device } = ctx.status.value;
  if (device.error) return doctorResult('enrollment', 'fail', `${device.error.message} (${device.error.code})`);
  const e = device.profile?.enrollment;
  if (e?.state === 'enrolled') {
    return doctorResult(
      'enrollment',
      'ok',
      `${e.type ?? 'enrolled'}${e.organisation ? `, ${e.organisation}` : ''} (${device.source} source)`,
    );
  }
  return doctorResult(
    'enrollment',
    'fail',
    e?.state === 'not-enrolled' ? 'not enrolled' : 'enrollment unknown (the device-management agent gives no answer)',
    "enroll this device in your organisation's device management, and check its agent is running",
  );
}
