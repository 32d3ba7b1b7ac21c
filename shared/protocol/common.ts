/** Schemas reused by every channel group. All objects are strict: unknown keys are refused. */
import { z } from 'zod';

/** base64url without padding, as WebAuthn JSON uses it. */
export const base64url = z
  .string()
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]*$/, 'expected base64url');

/** A request id chosen by the sender; echoed in the result. */
export const requestId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/);

/** An origin as the browser reports it: scheme://host[:port], no path. */
export const origin = z
  .string()
  .max(2048)
  .regex(/^(https?|chrome-extension|safari-web-extension):\/\/[^/\s]+$/, 'expected an origin');

/** An RP ID: a registrable domain or host name (no scheme, no port). */
export const rpId = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9.-]+$/i, 'expected a host name');

/** Credential ids the portal knows for a user (WebAuthn limits an id to 1023 bytes, 1364 characters). */
export const knownCredentialIds = z.array(base64url.max(1366)).max(256);

export const wireError = z
  .object({
    code: z
      .string()
      .regex(/^ERR_[A-Z_]+$/)
      .max(64),
    message: z.string().max(1024),
  })
  .strict();
