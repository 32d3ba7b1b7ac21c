/**
 * Verifies a device statement (see createDeviceStatement.ts) with jose. Kept apart from signing so
 * the daemon, which only signs, never loads jose.
 */
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { toBase64url } from '../webauthn/base64url.js';
import { sha256 } from '../webauthn/sha256.js';
import { credentialIdText } from './credentialIdText.js';
import {
  DEVICE_STATEMENT_ALG,
  DEVICE_STATEMENT_TYP,
  type DeviceStatementPayload,
  deviceStatementHeader,
  deviceStatementPayload,
  MAX_DEVICE_STATEMENT_CHARS,
} from './deviceStatementSchema.js';

/** Statements issued further in the future than this are refused (default clock skew allowance). */
const MAX_FUTURE_SKEW_SECONDS = 60;

export type DeviceStatementResult =
  | { verified: true; payload: DeviceStatementPayload }
  | { verified: false; code: 'ERR_DEVICE_STATEMENT_INVALID'; message: string };

/**
 * Verifies a device statement against the device's registered public key and the registration it
 * must belong to. Never throws on bad input: each failed guard returns a message naming the actual
 * and the expected value. `maxAgeSeconds` bounds how old `iat` may be (default 300).
 */
export async function verifyDeviceStatement(args: {
  jws: unknown;
  publicKeyJwk: JsonWebKey;
  expected: {
    deviceId: string;
    rpId: string;
    credentialId: Uint8Array | string;
    cosePublicKey: Uint8Array;
    challenge: string;
  };
  maxAgeSeconds?: number;
  /**
   * How far the device's clock may be from ours, either way (default 60 s). A caller whose
   * statement is bound to its own single-use, short-lived challenge has freshness from that and
   * may allow minutes (decision 0054).
   */
  clockSkewSeconds?: number;
  now?: Date;
}): Promise<DeviceStatementResult> {
  const { jws, expected } = args;
  const fail = (message: string): DeviceStatementResult => ({
    verified: false,
    code: 'ERR_DEVICE_STATEMENT_INVALID',
    message,
  });

  // Bound the work an attacker can cause before any crypto runs.
  if (typeof jws !== 'string' || jws.length === 0) return fail('Device statement is missing');
  if (jws.length > MAX_DEVICE_STATEMENT_CHARS) {
    return fail(`Device statement is ${jws.length} characters, expected at most ${MAX_DEVICE_STATEMENT_CHARS}`);
  }

  // The header is checked before the key is used, so "alg: none" or HS256 never reach a verifier.
  let rawHeader: unknown;
  try {
    rawHeader = decodeProtectedHeader(jws);
  } catch {
    return fail('Device statement is not a compact JWS');
  }
  const header = deviceStatementHeader.safeParse(rawHeader);
  if (!header.success) {
    const h = (rawHeader ?? {}) as Record<string, unknown>;
    return fail(
      `Unexpected device statement header alg "${String(h.alg)}", typ "${String(h.typ)}", expected alg "${DEVICE_STATEMENT_ALG}", typ "${DEVICE_STATEMENT_TYP}" and a kid`,
    );
  }
  if (header.data.kid !== expected.deviceId) {
    return fail(`Unexpected device statement kid "${header.data.kid}", expected "${expected.deviceId}"`);
  }

  // Only an EC P-256 public key: a JWK with a private part or another type is a caller mistake.
  const jwk = args.publicKeyJwk;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || 'd' in jwk) {
    return fail(`Unexpected device key kty "${jwk.kty}", crv "${jwk.crv}", expected a P-256 public key`);
  }
  let payloadBytes: Uint8Array;
  try {
    const key = await importJWK({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, DEVICE_STATEMENT_ALG);
    ({ payload: payloadBytes } = await compactVerify(jws, key, { algorithms: [DEVICE_STATEMENT_ALG] }));
  } catch {
    return fail(`Device statement signature does not verify with the key of device "${expected.deviceId}"`);
  }

  let rawPayload: unknown;
  try {
    rawPayload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payloadBytes));
  } catch {
    return fail('Device statement payload is not JSON');
  }
  const parsed = deviceStatementPayload.safeParse(rawPayload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(`Device statement payload is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  const payload = parsed.data;

  // Each binding: the statement must be about this device, this RP, this credential and key, this ceremony.
  if (payload.iss !== expected.deviceId) {
    return fail(`Unexpected device statement iss "${payload.iss}", expected "${expected.deviceId}"`);
  }
  if (payload.aud !== expected.rpId) {
    return fail(`Unexpected device statement aud "${payload.aud}", expected "${expected.rpId}"`);
  }
  const credentialId = credentialIdText(expected.credentialId);
  if (payload.sub !== credentialId) {
    return fail(`Unexpected device statement sub "${payload.sub}", expected credential "${credentialId}"`);
  }
  const coseKeySha256 = toBase64url(await sha256(expected.cosePublicKey));
  if (payload.cnf.coseKeySha256 !== coseKeySha256) {
    return fail(
      `Unexpected device statement cnf.coseKeySha256 "${payload.cnf.coseKeySha256}", expected "${coseKeySha256}"`,
    );
  }
  if (payload.challenge !== expected.challenge) {
    // Challenges are secrets of a ceremony in flight: name neither value in full.
    return fail('Device statement challenge does not match the registration challenge');
  }

  // Freshness: a statement is only good for the registration it was made for, shortly after.
  const nowSeconds = Math.floor((args.now ?? new Date()).getTime() / 1000);
  const skew = args.clockSkewSeconds ?? MAX_FUTURE_SKEW_SECONDS;
  const maxAge = (args.maxAgeSeconds ?? 300) + (args.clockSkewSeconds ?? 0);
  if (payload.iat > nowSeconds + skew) {
    return fail(`Device statement iat ${payload.iat} is in the future, expected at most ${nowSeconds + skew}`);
  }
  if (nowSeconds - payload.iat > maxAge) {
    return fail(`Device statement is ${nowSeconds - payload.iat} s old, expected at most ${maxAge} s`);
  }
  return { verified: true, payload };
}
