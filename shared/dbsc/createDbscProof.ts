/**
 * Builds a DBSC proof (spec: "DBSC Proof JWT Syntax"): a compact JWS, ES256, header
 * `{ typ: 'dbsc+jwt', alg: 'ES256', jwk? }` (the public JWK only on registration), payload
 * `{ jti: challenge, authorization?, aud, iat, … }`. Signing is a callback so a hardware key (TPM)
 * that can only be asked to sign works the same; ES256 in JWS is exactly WebCrypto's raw r‖s.
 * No jose here: the daemon signs without loading a JOSE library.
 */
import { toBase64url } from '../webauthn/base64url.js';

export const DBSC_PROOF_TYP = 'dbsc+jwt';

export async function createDbscProof(args: {
  sign: (data: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>;
  /** The challenge from Secure-Session-Registration or Secure-Session-Challenge. */
  challenge: string;
  /** Registration only: the session key's public JWK (never on refresh, per the spec). */
  jwk?: JsonWebKey;
  /** Copied from Secure-Session-Registration when present there. */
  authorization?: string;
  /** The URL the proof is sent to. */
  aud: string;
  /** RFC 7638 thumbprint of the session key; lets a server tell "another key" from "forged". */
  kid?: string;
  /** Extra claims (Keybound adds a device posture statement). */
  claims?: Record<string, unknown>;
  now?: Date;
}): Promise<string> {
  const header: Record<string, unknown> = { alg: 'ES256', typ: DBSC_PROOF_TYP };
  if (args.jwk) header.jwk = { kty: args.jwk.kty, crv: args.jwk.crv, x: args.jwk.x, y: args.jwk.y };
  if (args.kid) header.kid = args.kid;
  const payload: Record<string, unknown> = {
    ...args.claims,
    jti: args.challenge,
    aud: args.aud,
    iat: Math.floor((args.now ?? new Date()).getTime() / 1000),
  };
  if (args.authorization !== undefined) payload.authorization = args.authorization;
  const enc = new TextEncoder();
  const input = `${toBase64url(enc.encode(JSON.stringify(header)))}.${toBase64url(enc.encode(JSON.stringify(payload)))}`;
  return `${input}.${toBase64url(await args.sign(enc.encode(input)))}`;
}
