/** One registration prerequisite (DESIGN.md, "Prerequisites"): returns its error, or undefined when met. */
import type { PrerequisiteError } from '../../../../shared/errors.js';
import type { DeviceProfile } from '../deviceProfile.js';

export type PrerequisiteCheck = (profile: DeviceProfile) => PrerequisiteError | undefined;

/**
 * Whether the installed Protect counts as deployed by the organisation. The takeover rules of
 * DESIGN.md 2: a personal copy becomes managed silently under Apple Automated Device
 * Enrollment, and after the user approves under Apple profile-driven enrollment.
 */
export function isProtectManaged(profile: DeviceProfile): boolean {
  const { protect, enrollment } = profile;
  if (!protect.installed) return false;
  if (protect.source === 'managed') return true;
  if (enrollment.type === 'apple-automated') return true;
  return enrollment.type === 'apple-profile' && protect.takeoverApproved;
}
