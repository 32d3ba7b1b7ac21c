/** What a host probe found out about the OS's device-management enrollment. "unknown" when it cannot tell. */
import type { EnrollmentType } from '../../../../shared/protocol/device.js';

export interface HostEnrollment {
  state: 'enrolled' | 'not-enrolled' | 'unknown';
  type?: EnrollmentType;
  organisation?: string;
  /** Why the answer is what it is, for `keybound device show` and logs. */
  reason: string;
}

export const unknownEnrollment = (reason: string): HostEnrollment => ({ state: 'unknown', reason });
