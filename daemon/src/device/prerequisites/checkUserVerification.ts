import { PrerequisiteError } from '../../../../shared/errors.js';
import type { PrerequisiteCheck } from './Prerequisite.js';

/** Prerequisite 4a: user verification is configured — biometrics, with a PIN or passcode behind them. */
export const checkUserVerification: PrerequisiteCheck = ({ userVerification }) =>
  userVerification.biometrics && userVerification.pin
    ? undefined
    : new PrerequisiteError(
        'ERR_UV_NOT_CONFIGURED',
        'Set up biometrics (fingerprint or face) and a PIN or passcode on this device, then try again.',
      );
