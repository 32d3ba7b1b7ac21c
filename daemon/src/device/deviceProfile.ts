/**
 * The device profile: what the daemon knows about the device (DESIGN.md vocabulary). The
 * emulator keeps it in `device.json` in the data dir; the host provider fills `enrollment`
 * from the OS. Strict schema: unknown keys in device.json are refused, never ignored.
 */
import { z } from 'zod';
import { postureSignals } from '../../../shared/device/postureSchema.js';
import { enrollmentType, platform } from '../../../shared/protocol/device.js';

export const enrollmentState = z.enum(['enrolled', 'not-enrolled', 'unknown']);

export const enrollmentSchema = z
  .object({
    state: enrollmentState,
    type: enrollmentType.optional(),
    organisation: z.string().max(256).optional(),
    deviceId: z.string().max(128).optional(),
    /** The portal whose inventory holds this device's identity key (when enrolled through one). */
    portal: z.string().max(2048).optional(),
    enrolledAt: z.string().max(64).optional(),
    /** The device identity key in the key store (never the key itself). */
    identityKeyRef: z.string().max(64).optional(),
    /** TPM key store: the attestation key the portal activated against this TPM's EK. */
    attestationKeyRef: z.string().max(64).optional(),
    /** The portal's certificate for that key (base64url DER), carried in each 'tpm' attestation. */
    attestationCertificate: z.string().max(8192).optional(),
  })
  .strict();

export const protectStateSchema = z
  .object({
    installed: z.boolean(),
    /** Who installed it: pushed by the organisation (managed) or by the user (personal). */
    source: z.enum(['managed', 'personal']),
    /** Apple profile-driven enrollment: the user approved the takeover of a personal copy. */
    takeoverApproved: z.boolean(),
    /** Apple User Enrollment (BYOD) with a personal copy: the user's choice. */
    personalCopyDecision: z.enum(['undecided', 'keep', 'remove']),
    opened: z.boolean(),
    notifications: z.boolean(),
  })
  .strict();

const uvSchema = z.object({ biometrics: z.boolean(), pin: z.boolean() }).strict();

export const deviceProfileSchema = z
  .object({
    v: z.literal(1),
    platform,
    enrollment: enrollmentSchema,
    protect: protectStateSchema,
    /** Device-level user verification; `workProfile` is the Android work profile's own. */
    userVerification: uvSchema.extend({ workProfile: uvSchema }).strict(),
    settings: z.object({ deviceSignIn: z.boolean() }).strict(),
    /** Emulator only: the posture signals a session refresh reports (unset = "unknown"). */
    posture: postureSignals
      .pick({ osName: true, osVersion: true, diskEncryption: true, firewall: true, screenLock: true })
      .partial()
      .strict()
      .optional(),
  })
  .strict();

export type DeviceProfile = z.infer<typeof deviceProfileSchema>;
export type EnrollmentState = z.infer<typeof enrollmentSchema>;
export type ProtectState = z.infer<typeof protectStateSchema>;

/** A fresh emulated device: a Linux desktop, not enrolled, Protect not installed, device sign-in on. */
export function defaultDeviceProfile(): DeviceProfile {
  return {
    v: 1,
    platform: 'linux',
    enrollment: { state: 'not-enrolled' },
    protect: {
      installed: false,
      source: 'managed',
      takeoverApproved: false,
      personalCopyDecision: 'undecided',
      opened: false,
      notifications: false,
    },
    userVerification: { biometrics: false, pin: false, workProfile: { biometrics: false, pin: false } },
    settings: { deviceSignIn: true },
  };
}

/** Where the profile comes from; `update` applies a change atomically and returns the new profile. */
export interface DeviceProfileSource {
  readonly kind: 'emulator' | 'host';
  /** The current profile, deeply frozen (it may be shared between callers): derive, never mutate. */
  get(): Promise<DeviceProfile>;
  update(change: (profile: DeviceProfile) => DeviceProfile): Promise<DeviceProfile>;
}

/**
 * A device that meets every prerequisite: enrolled (`type`, default desktop agent), managed
 * Protect opened with notifications, biometrics and PIN (also for a work profile), device
 * sign-in on. Tests and the dev kit start from here and break one thing at a time (the CLI's
 * `device make-eligible` reaches the same state step by step: makeDeviceEligible.ts).
 */
export function eligibleDeviceProfile(type: EnrollmentState['type'] = 'desktop-agent'): DeviceProfile {
  const base = defaultDeviceProfile();
  return {
    ...base,
    platform: type?.startsWith('apple-') ? 'ios' : type?.startsWith('android-') ? 'android' : 'linux',
    enrollment: { state: 'enrolled', type, organisation: 'Example Corp', deviceId: 'device-test-1' },
    protect: { ...base.protect, installed: true, source: 'managed', opened: true, notifications: true },
    userVerification: { biometrics: true, pin: true, workProfile: { biometrics: true, pin: true } },
  };
}
