/**
 * The device statement contract (daemon signs, portal verifies), defined once: a compact JWS,
 * ES256, whose header and payload match these strict schemas. See deviceStatement.ts.
 */
import { z } from 'zod';
import { base64url, rpId } from '../protocol/common.js';
import { enrollmentType } from '../protocol/device.js';

export const DEVICE_STATEMENT_TYP = 'keybound-device-statement+jwt';
export const DEVICE_STATEMENT_ALG = 'ES256';
/** Largest statement accepted; the protocol's `deviceStatement` field has the same cap. */
export const MAX_DEVICE_STATEMENT_CHARS = 8192;

/** A device id as the portal's inventory issues it. */
export const deviceId = z.string().min(1).max(128);

export const deviceStatementHeader = z
  .object({ alg: z.literal(DEVICE_STATEMENT_ALG), typ: z.literal(DEVICE_STATEMENT_TYP), kid: deviceId })
  .strict();

export const deviceStatementPayload = z
  .object({
    /** The device id (the same as the header's kid). */
    iss: deviceId,
    /** The RP ID of the registration. */
    aud: rpId,
    /** The new credential's id, base64url. */
    sub: base64url.min(1).max(1366),
    /** Binds the credential's public key: base64url(SHA-256(COSE_Key bytes)). */
    cnf: z.object({ coseKeySha256: base64url.length(43) }).strict(),
    /** The registration options' challenge, so a statement cannot be replayed into another ceremony. */
    challenge: base64url.min(16).max(256),
    enrollmentType,
    /** Issued at, seconds since the epoch. */
    iat: z.number().int().nonnegative(),
  })
  .strict();

export type DeviceStatementHeader = z.infer<typeof deviceStatementHeader>;
export type DeviceStatementPayload = z.infer<typeof deviceStatementPayload>;
