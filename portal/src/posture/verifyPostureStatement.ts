/**
 * Verifies a posture statement (shared/device/postureSchema.ts) against the device's identity key
 * from the inventory, and binds it to the refresh: `nonce` must be the proof's challenge. Never
 * throws; every failure names what was found and what was expected.
 */
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import {
  MAX_POSTURE_STATEMENT_CHARS,
  POSTURE_STATEMENT_TYP,
  type PostureSignals,
  postureStatementPayload,
} from '../../../shared/device/postureSchema.js';
import { DEVICE_CLOCK_SKEW_SECONDS } from '../verify/verifyDeviceRegistration.js';

export type PostureStatementResult = { verified: true; signals: PostureSignals } | { verified: false; message: string };

export async function verifyPostureStatement(args: {
  jws: unknown;
  deviceId: string;
  devicePublicJwk: JsonWebKey;
  audience: string;
  nonce: string;
  now: number;
  maxAgeSeconds?: number;
}): Promise<PostureStatementResult> {
  const fail = (message: string): PostureStatementResult => ({ verified: false, message });
  if (typeof args.jws !== 'string' || args.jws.length > MAX_POSTURE_STATEMENT_CHARS) {
    return fail('Posture statement is missing or too long');
  }
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(args.jws);
  } catch {
    return fail('Posture statement is not a compact JWS');
  }
  if (header.typ !== POSTURE_STATEMENT_TYP || header.alg !== 'ES256') {
    return fail(`Posture statement header is ${header.typ}/${header.alg}, expected ${POSTURE_STATEMENT_TYP}/ES256`);
  }
  if (header.kid !== args.deviceId)
    return fail(`Posture statement is from device "${header.kid}", expected "${args.deviceId}"`);
  let raw: unknown;
  try {
    const key = await importJWK(args.devicePublicJwk, 'ES256');
    raw = (await jwtVerify(args.jws, key, { typ: POSTURE_STATEMENT_TYP, algorithms: ['ES256'] })).payload;
  } catch {
    return fail('Posture statement signature does not verify with the device identity key');
  }
  const parsed = postureStatementPayload.safeParse(raw);
  if (!parsed.success) return fail('Posture statement payload does not match its schema');
  const p = parsed.data;
  if (p.iss !== args.deviceId) return fail(`Posture statement iss is "${p.iss}", expected "${args.deviceId}"`);
  if (p.aud !== args.audience) return fail(`Posture statement aud is "${p.aud}", expected "${args.audience}"`);
  if (p.nonce !== args.nonce) return fail('Posture statement nonce is not this refresh’s challenge');
  // The nonce already binds the statement to this refresh's single-use challenge (the portal's
  // clock decides that challenge's lifetime), so `iat` only needs to be plausible: a device clock
  // minutes off must not end a session at its next refresh (decision 0054, as for registration).
  const age = Math.floor(args.now / 1000) - p.iat;
  const skew = DEVICE_CLOCK_SKEW_SECONDS;
  if (age > (args.maxAgeSeconds ?? 120) + skew || age < -skew) {
    return fail(`Posture statement is ${age} s old (device clock off by more than ${skew / 60} min?)`);
  }
  return { verified: true, signals: p.posture };
}
