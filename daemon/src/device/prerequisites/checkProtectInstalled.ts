import { PrerequisiteError } from '../../../../shared/errors.js';
import type { PrerequisiteCheck } from './Prerequisite.js';

/**
 * Prerequisite 2a: Protect is installed. A BYOD user who chose to remove a personal copy has no
 * Protect until the admin pushes the managed one.
 */
export const checkProtectInstalled: PrerequisiteCheck = ({ protect }) => {
  const removed = protect.source === 'personal' && protect.personalCopyDecision === 'remove';
  if (!protect.installed || removed) {
    return new PrerequisiteError(
      'ERR_PROTECT_NOT_INSTALLED',
      'Protect is not installed on this device. Ask your admin to deploy Protect to this device, then try again.',
    );
  }
  return undefined;
};
