import { PrerequisiteError } from '../../../../shared/errors.js';
import type { PrerequisiteCheck } from './Prerequisite.js';

/** Prerequisite 4b: on an Android work profile, biometrics and a PIN are set up for the work profile itself. */
export const checkWorkProfileUv: PrerequisiteCheck = ({ enrollment, userVerification }) => {
  if (enrollment.type !== 'android-work-profile') return undefined;
  const { workProfile } = userVerification;
  return workProfile.biometrics && workProfile.pin
    ? undefined
    : new PrerequisiteError(
        'ERR_WORK_PROFILE_UV_NOT_CONFIGURED',
        'Set up biometrics and a PIN for the work profile itself (Settings → Security → Work profile), then try again.',
      );
};
