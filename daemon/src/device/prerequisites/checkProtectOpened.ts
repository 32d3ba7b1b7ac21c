import { PrerequisiteError } from '../../../../shared/errors.js';
import type { PrerequisiteCheck } from './Prerequisite.js';

/** Prerequisite 3a: Protect has been opened once (it finishes its own setup on first launch). */
export const checkProtectOpened: PrerequisiteCheck = ({ protect }) =>
  protect.opened
    ? undefined
    : new PrerequisiteError('ERR_PROTECT_NOT_OPENED', 'Open Protect once and allow notifications, then try again.');
