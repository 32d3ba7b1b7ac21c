import { PrerequisiteError } from '../../../../shared/errors.js';
import type { PrerequisiteCheck } from './Prerequisite.js';

/** Prerequisite 1: the device is enrolled in device management. "unknown" is never taken as enrolled. */
export const checkEnrolled: PrerequisiteCheck = ({ enrollment }) => {
  if (enrollment.state === 'unknown') {
    return new PrerequisiteError(
      'ERR_ENROLLMENT_UNKNOWN',
      'Keybound cannot tell whether this device is enrolled in device management. Check with your admin that the device is enrolled, then try again.',
    );
  }
  if (enrollment.state !== 'enrolled') {
    return new PrerequisiteError(
      'ERR_NOT_ENROLLED',
      'This device is not enrolled in device management. Enroll it from the User Portal (or ask your admin), then try again.',
    );
  }
  return undefined;
};
