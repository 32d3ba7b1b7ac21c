import { describe, expect, it } from 'vitest';
import type { EnrollmentType } from '../../../../shared/protocol/device.js';
import { type DeviceProfile, eligibleDeviceProfile } from '../deviceProfile.js';
import { firstFailingPrerequisite } from './prerequisites.js';

type Case = [rule: string, type: EnrollmentType, change: (p: DeviceProfile) => void, code: string | undefined];
const personal = (p: DeviceProfile) => {
  p.protect.source = 'personal';
};

/** One row per rule of DESIGN.md "Prerequisites": the device, what is changed, the code the user gets. */
const cases: Case[] = [
  ['an eligible device passes every check', 'desktop-agent', () => {}, undefined],
  [
    'not enrolled → ERR_NOT_ENROLLED',
    'desktop-agent',
    (p) => {
      p.enrollment = { state: 'not-enrolled' };
    },
    'ERR_NOT_ENROLLED',
  ],
  [
    'enrollment unknown → ERR_ENROLLMENT_UNKNOWN',
    'desktop-agent',
    (p) => {
      p.enrollment = { state: 'unknown' };
    },
    'ERR_ENROLLMENT_UNKNOWN',
  ],
  [
    'Protect not installed → ERR_PROTECT_NOT_INSTALLED',
    'apple-automated',
    (p) => {
      p.protect.installed = false;
    },
    'ERR_PROTECT_NOT_INSTALLED',
  ],
  ['Automated Device Enrollment takes over a personal copy silently → passes', 'apple-automated', personal, undefined],
  [
    'profile-driven enrollment with a personal copy not yet approved → ERR_PROTECT_TAKEOVER_PENDING',
    'apple-profile',
    personal,
    'ERR_PROTECT_TAKEOVER_PENDING',
  ],
  [
    'profile-driven enrollment with the takeover approved → passes',
    'apple-profile',
    (p) => {
      personal(p);
      p.protect.takeoverApproved = true;
    },
    undefined,
  ],
  [
    'User Enrollment (BYOD) with an undecided personal copy → ERR_PROTECT_PERSONAL_COPY',
    'apple-user',
    personal,
    'ERR_PROTECT_PERSONAL_COPY',
  ],
  [
    'User Enrollment (BYOD) keeping the personal copy → passes',
    'apple-user',
    (p) => {
      personal(p);
      p.protect.personalCopyDecision = 'keep';
    },
    undefined,
  ],
  [
    'User Enrollment (BYOD) removing the personal copy → ERR_PROTECT_NOT_INSTALLED until the admin pushes',
    'apple-user',
    (p) => {
      personal(p);
      p.protect.personalCopyDecision = 'remove';
    },
    'ERR_PROTECT_NOT_INSTALLED',
  ],
  ['User Enrollment (BYOD) with a managed copy pushed by the admin → passes', 'apple-user', () => {}, undefined],
  [
    'Android work profile with a personal copy → ERR_PROTECT_NOT_MANAGED',
    'android-work-profile',
    personal,
    'ERR_PROTECT_NOT_MANAGED',
  ],
  [
    'Android fully managed with a personal copy → ERR_PROTECT_NOT_MANAGED',
    'android-fully-managed',
    personal,
    'ERR_PROTECT_NOT_MANAGED',
  ],
  [
    'desktop agent with a personal copy → ERR_PROTECT_NOT_MANAGED',
    'desktop-agent',
    personal,
    'ERR_PROTECT_NOT_MANAGED',
  ],
  [
    'Protect never opened → ERR_PROTECT_NOT_OPENED',
    'desktop-agent',
    (p) => {
      p.protect.opened = false;
    },
    'ERR_PROTECT_NOT_OPENED',
  ],
  [
    'notifications off → ERR_NOTIFICATIONS_OFF',
    'desktop-agent',
    (p) => {
      p.protect.notifications = false;
    },
    'ERR_NOTIFICATIONS_OFF',
  ],
  [
    'no biometrics → ERR_UV_NOT_CONFIGURED',
    'desktop-agent',
    (p) => {
      p.userVerification.biometrics = false;
    },
    'ERR_UV_NOT_CONFIGURED',
  ],
  [
    'no PIN → ERR_UV_NOT_CONFIGURED',
    'apple-automated',
    (p) => {
      p.userVerification.pin = false;
    },
    'ERR_UV_NOT_CONFIGURED',
  ],
  [
    'Android work profile without its own biometrics → ERR_WORK_PROFILE_UV_NOT_CONFIGURED',
    'android-work-profile',
    (p) => {
      p.userVerification.workProfile.biometrics = false;
    },
    'ERR_WORK_PROFILE_UV_NOT_CONFIGURED',
  ],
  [
    'Android work profile without its own PIN → ERR_WORK_PROFILE_UV_NOT_CONFIGURED',
    'android-work-profile',
    (p) => {
      p.userVerification.workProfile.pin = false;
    },
    'ERR_WORK_PROFILE_UV_NOT_CONFIGURED',
  ],
  [
    'Android fully managed ignores the work profile settings → passes',
    'android-fully-managed',
    (p) => {
      p.userVerification.workProfile = { biometrics: false, pin: false };
    },
    undefined,
  ],
  [
    'device sign-in turned off → ERR_DEVICE_SIGNIN_DISABLED',
    'desktop-agent',
    (p) => {
      p.settings.deviceSignIn = false;
    },
    'ERR_DEVICE_SIGNIN_DISABLED',
  ],
];

describe('firstFailingPrerequisite', () => {
  for (const [rule, type, change, code] of cases) {
    it(`should report ${code ?? 'no problem'} when ${rule}`, () => {
      const profile = eligibleDeviceProfile(type);
      change(profile);
      const failure = firstFailingPrerequisite(profile);
      expect(failure?.code).toBe(code);
      if (failure) {
        expect(failure.name).toBe('PrerequisiteError');
        // A plain sentence telling the user what to do.
        expect(failure.message).toMatch(/^[A-Z].*[.)]$/);
      }
    });
  }

  it('should report the open-Protect advice exactly as the design asks when Protect was never opened', () => {
    const profile = eligibleDeviceProfile();
    profile.protect.opened = false;
    profile.protect.notifications = false;
    expect(firstFailingPrerequisite(profile)?.message).toBe(
      'Open Protect once and allow notifications, then try again.',
    );
  });

  it('should report the first rule in design order when several fail', () => {
    const profile = eligibleDeviceProfile();
    profile.protect.installed = false;
    profile.userVerification.pin = false;
    expect(firstFailingPrerequisite(profile)?.code).toBe('ERR_PROTECT_NOT_INSTALLED');
  });
});
