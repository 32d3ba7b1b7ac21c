/**
 * The registration prerequisites in a real browser: for each unmet one the user enters their
 * email at the portal and the tab shows that prerequisite's own sentence (the daemon's words,
 * passed on by the extension), next to the password path. One browser and one stack; the
 * emulated device is changed between cases as `keybound device set …` would, and put back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceProfile } from '../../daemon/src/device/deviceProfile.js';
import { type ExtensionBrowser, launchWithExtension } from '../../dev/browser.js';
import { PortalUser } from './helpers/PortalUser.js';
import { type E2eStack, startE2eStack } from './helpers/startE2eStack.js';

interface PrerequisiteCase {
  name: string;
  change: (p: DeviceProfile) => DeviceProfile;
  code: string;
  message: string;
}

const CASES: PrerequisiteCase[] = [
  {
    name: 'the device is not enrolled in device management',
    change: (p) => ({ ...p, enrollment: { state: 'not-enrolled' } }),
    code: 'ERR_NOT_ENROLLED',
    message:
      'This device is not enrolled in device management. Enroll it from the User Portal (or ask your admin), then try again.',
  },
  {
    name: 'Protect was never opened',
    change: (p) => ({ ...p, protect: { ...p.protect, opened: false } }),
    code: 'ERR_PROTECT_NOT_OPENED',
    message: 'Open Protect once and allow notifications, then try again.',
  },
  {
    name: "Protect's notifications are off",
    change: (p) => ({ ...p, protect: { ...p.protect, notifications: false } }),
    code: 'ERR_NOTIFICATIONS_OFF',
    message: 'Allow notifications for Protect in the device settings, then try again.',
  },
  {
    name: 'an Android work profile has no biometrics and PIN of its own',
    change: (p) => ({
      ...p,
      platform: 'android',
      enrollment: { ...p.enrollment, type: 'android-work-profile' },
      userVerification: { biometrics: true, pin: true, workProfile: { biometrics: false, pin: false } },
    }),
    code: 'ERR_WORK_PROFILE_UV_NOT_CONFIGURED',
    message:
      'Set up biometrics and a PIN for the work profile itself (Settings → Security → Work profile), then try again.',
  },
  {
    name: 'a BYOD (Apple User Enrollment) device has a personally installed Protect',
    change: (p) => ({
      ...p,
      platform: 'ios',
      enrollment: { ...p.enrollment, type: 'apple-user' },
      protect: { ...p.protect, source: 'personal', personalCopyDecision: 'undecided' },
    }),
    code: 'ERR_PROTECT_PERSONAL_COPY',
    message:
      'You installed Protect yourself. In Protect, choose to keep using it, or remove it so your admin can push the managed copy, then try again.',
  },
];

describe('registration prerequisites in the tab', () => {
  let stack: E2eStack;
  let browser: ExtensionBrowser;
  let user: PortalUser;
  let eligible: DeviceProfile;

  beforeAll(async () => {
    stack = await startE2eStack();
    eligible = await stack.editDevice((p) => p);
    browser = await launchWithExtension({
      settings: { portalOrigins: [stack.portal.origin], daemonPort: stack.daemon.port },
      daemonDataDir: stack.daemon.dataDir,
    });
    user = new PortalUser({ portalOrigin: stack.portal.origin, ...stack.user });
  });

  afterEach(async () => {
    await stack.editDevice(() => eligible);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it.each(CASES)(
    'should show its own message when $name',
    async ({ change, code, message }) => {
      await stack.editDevice(change);
      const page = await browser.context.newPage();
      await user.enterEmail(page);
      await user.waitForPasswordPage(page, code);
      await expect.poll(() => user.reasonText(page), { timeout: 10_000 }).toBe(message);
      // The way on is the password: the form is there.
      expect(await page.locator('#password').isVisible()).toBe(true);
      await page.close();
    },
    60_000,
  );

  it('should offer device sign-in when the BYOD user chooses to keep their own Protect', async () => {
    await stack.editDevice((p) => ({
      ...p,
      platform: 'ios',
      enrollment: { ...p.enrollment, type: 'apple-user' },
      protect: { ...p.protect, source: 'personal', personalCopyDecision: 'keep' },
    }));
    const page = await browser.context.newPage();
    await user.enterEmail(page);
    await page.locator('#passwordless-offer').waitFor({ state: 'visible', timeout: 15_000 });
    await page.close();
  }, 60_000);
});
