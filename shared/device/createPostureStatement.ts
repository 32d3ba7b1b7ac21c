/**
 * Signs a posture statement (see postureSchema.ts) with the device identity key, through a sign
 * callback so a TPM-held identity key works the same. The daemon calls it at every session refresh.
 */
import { toBase64url } from '../webauthn/base64url.js';
import { POSTURE_STATEMENT_TYP, type PostureSignals, postureStatementPayload } from './postureSchema.js';

export async function createPostureStatement(args: {
  sign: (data: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>;
  deviceId: string;
  audience: string;
  nonce: string;
  posture: PostureSignals;
  now?: Date;
}): Promise<string> {
  const header = { alg: 'ES256', typ: POSTURE_STATEMENT_TYP, kid: args.deviceId };
  const payload = postureStatementPayload.parse({
    iss: args.deviceId,
    aud: args.audience,
    nonce: args.nonce,
    iat: Math.floor((args.now ?? new Date()).getTime() / 1000),
    posture: args.posture,
  });
  const enc = new TextEncoder();
  const input = `${toBase64url(enc.encode(JSON.stringify(header)))}.${toBase64url(enc.encode(JSON.stringify(payload)))}`;
  return `${input}.${toBase64url(await args.sign(enc.encode(input)))}`;
}
