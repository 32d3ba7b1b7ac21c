import { PrerequisiteError } from '../../../../shared/errors.js';
import type { PrerequisiteCheck } from './Prerequisite.js';

/** Device sign-in is turned on in Protect's settings (the user may turn it off to fall back to passwords). */
export const checkDeviceSignIn: PrerequisiteCheck = ({ settings }) =>
  settings.deviceSignIn
    ? undefined
    : new PrerequisiteError(
        'ERR_DEVICE_SIGNIN_DISABLED',
        "Device sign-in is turned off in Protect. Turn it on in Protect's settings, or sign in with your email, password and MFA.",
      );
