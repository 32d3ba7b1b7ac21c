/**
 * The device as the daemon reports it to the extension (`status`). The daemon's own, richer
 * device profile (daemon/src/device/) is reduced to this summary before it crosses the wire.
 */
import { z } from 'zod';
import { wireError } from './common.js';

export const platform = z.enum(['macos', 'ios', 'ipados', 'android', 'windows', 'linux']);

/** Enrollment types of DESIGN.md, "Prerequisites" 1. */
export const enrollmentType = z.enum([
  'apple-automated', // Apple Automated Device Enrollment (company-owned)
  'apple-profile', // Apple profile-driven enrollment (company-owned)
  'apple-user', // Apple User Enrollment (BYOD)
  'android-work-profile', // Android Enterprise work profile (BYOD)
  'android-fully-managed', // Android fully managed
  'desktop-agent', // desktop agent enrollment
]);

export const enrollmentSummary = z
  .object({
    state: z.enum(['enrolled', 'not-enrolled', 'unknown']),
    type: enrollmentType.optional(),
    organisation: z.string().max(256).optional(),
    deviceId: z.string().max(128).optional(),
  })
  .strict();

export const protectSummary = z
  .object({
    installed: z.boolean(),
    managed: z.boolean(),
    opened: z.boolean(),
    notifications: z.boolean(),
  })
  .strict();

export const deviceSummary = z
  .object({
    platform,
    enrollment: enrollmentSummary,
    protect: protectSummary,
    userVerification: z.object({ biometrics: z.boolean(), pin: z.boolean() }).strict(),
    deviceSignIn: z.boolean(),
  })
  .strict();

export const eligibility = z.object({ eligible: z.boolean(), problem: wireError.optional() }).strict();

export type Platform = z.infer<typeof platform>;
export type EnrollmentType = z.infer<typeof enrollmentType>;
export type DeviceSummary = z.infer<typeof deviceSummary>;
export type Eligibility = z.infer<typeof eligibility>;
