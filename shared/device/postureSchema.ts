/**
 * Device posture signals and the posture statement that carries them, defined once (daemon signs,
 * portal verifies). A signal the device cannot read is "unknown": never a guess (issue 11).
 * The statement is a compact JWS (ES256) signed by the device identity key, bound to one DBSC
 * challenge (`nonce`) so a captured statement cannot be replayed into another refresh.
 */
import { z } from 'zod';
import { deviceId } from './deviceStatementSchema.js';

export const POSTURE_STATEMENT_TYP = 'keybound-posture+jwt';
export const MAX_POSTURE_STATEMENT_CHARS = 4096;

const onOff = z.enum(['on', 'off', 'unknown']);

export const postureSignals = z
  .object({
    osName: z.string().min(1).max(64),
    /** Dotted version as the OS reports it, or "unknown". */
    osVersion: z.string().min(1).max(64),
    diskEncryption: onOff,
    firewall: onOff,
    screenLock: onOff,
    /** Protect installed, managed, opened, notifications on, user verification configured. */
    protect: z.enum(['ready', 'not-ready', 'unknown']),
    /** Where the device's keys live. */
    keyProtection: z.enum(['hardware', 'software', 'unknown']),
  })
  .strict();
export type PostureSignals = z.infer<typeof postureSignals>;

export const UNKNOWN_POSTURE: PostureSignals = {
  osName: 'unknown',
  osVersion: 'unknown',
  diskEncryption: 'unknown',
  firewall: 'unknown',
  screenLock: 'unknown',
  protect: 'unknown',
  keyProtection: 'unknown',
};

export const postureStatementHeader = z
  .object({ alg: z.literal('ES256'), typ: z.literal(POSTURE_STATEMENT_TYP), kid: deviceId })
  .strict();

export const postureStatementPayload = z
  .object({
    iss: deviceId,
    /** The portal origin the statement is for. */
    aud: z.string().max(2048),
    /** The DBSC challenge of the proof that carries it. */
    nonce: z.string().min(16).max(256),
    iat: z.number().int().nonnegative(),
    posture: postureSignals,
  })
  .strict();
export type PostureStatementPayload = z.infer<typeof postureStatementPayload>;
