/**
 * The registration prerequisites of DESIGN.md, in the order a user fixes them. One check per
 * file; this table wires them together. The first failing check is the one the user sees.
 * (Prerequisite 5 — uninstalling Protect invalidates its tokens — is an action, not a check:
 * see DeviceControl.uninstallProtect.)
 */
import type { PrerequisiteError } from '../../../../shared/errors.js';
import type { DeviceProfile } from '../deviceProfile.js';
import { checkDeviceSignIn } from './checkDeviceSignIn.js';
import { checkEnrolled } from './checkEnrolled.js';
import { checkNotifications } from './checkNotifications.js';
import { checkProtectInstalled } from './checkProtectInstalled.js';
import { checkProtectManaged } from './checkProtectManaged.js';
import { checkProtectOpened } from './checkProtectOpened.js';
import { checkUserVerification } from './checkUserVerification.js';
import { checkWorkProfileUv } from './checkWorkProfileUv.js';
import type { PrerequisiteCheck } from './Prerequisite.js';

export const PREREQUISITES: ReadonlyArray<{ rule: string; name: string; check: PrerequisiteCheck }> = [
  { rule: '1', name: 'enrolled in device management', check: checkEnrolled },
  { rule: '2', name: 'Protect installed', check: checkProtectInstalled },
  { rule: '2', name: 'Protect deployed by the organisation (takeover rules)', check: checkProtectManaged },
  { rule: '3', name: 'Protect opened once', check: checkProtectOpened },
  { rule: '3', name: 'notifications enabled', check: checkNotifications },
  { rule: '4', name: 'user verification configured', check: checkUserVerification },
  { rule: '4', name: 'work profile user verification configured', check: checkWorkProfileUv },
  { rule: 'settings', name: 'device sign-in turned on', check: checkDeviceSignIn },
];

/** The first unmet prerequisite, or undefined when the device is eligible. */
export function firstFailingPrerequisite(profile: DeviceProfile): PrerequisiteError | undefined {
  for (const { check } of PREREQUISITES) {
    const failure = check(profile);
    if (failure) return failure;
  }
  return undefined;
}

/** Throws the first unmet prerequisite's error. */
export function assertPrerequisites(profile: DeviceProfile): void {
  const failure = firstFailingPrerequisite(profile);
  if (failure) throw failure;
}
