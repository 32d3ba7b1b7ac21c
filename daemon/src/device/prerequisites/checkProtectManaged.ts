import { PrerequisiteError } from '../../../../shared/errors.js';
import { isProtectManaged, type PrerequisiteCheck } from './Prerequisite.js';

/**
 * Prerequisite 2b: Protect is deployed by the organisation — the takeover rules for a
 * personally installed copy. Automated enrollment takes it over silently (passes);
 * profile-driven enrollment needs the user's approval; Apple User Enrollment (BYOD) makes the
 * user choose (keeping the personal copy passes); anywhere else a personal copy is not managed.
 */
export const checkProtectManaged: PrerequisiteCheck = (profile) => {
  if (isProtectManaged(profile)) return undefined;
  const type = profile.enrollment.type;
  if (type === 'apple-profile') {
    return new PrerequisiteError(
      'ERR_PROTECT_TAKEOVER_PENDING',
      'Your organisation is taking over your copy of Protect. Approve the takeover in Protect, then try again.',
    );
  }
  if (type === 'apple-user') {
    if (profile.protect.personalCopyDecision === 'keep') return undefined;
    return new PrerequisiteError(
      'ERR_PROTECT_PERSONAL_COPY',
      'You installed Protect yourself. In Protect, choose to keep using it, or remove it so your admin can push the managed copy, then try again.',
    );
  }
  return new PrerequisiteError(
    'ERR_PROTECT_NOT_MANAGED',
    'This copy of Protect was installed personally, not deployed by your organisation. Remove it and install Protect from your work apps (or ask your admin to deploy it), then try again.',
  );
};
