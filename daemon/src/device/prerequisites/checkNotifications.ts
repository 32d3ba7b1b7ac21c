import { PrerequisiteError } from '../../../../shared/errors.js';
import type { PrerequisiteCheck } from './Prerequisite.js';

/** Prerequisite 3b: Protect may show notifications (that is how it asks the user to approve). */
export const checkNotifications: PrerequisiteCheck = ({ protect }) =>
  protect.notifications
    ? undefined
    : new PrerequisiteError(
        'ERR_NOTIFICATIONS_OFF',
        'Allow notifications for Protect in the device settings, then try again.',
      );
