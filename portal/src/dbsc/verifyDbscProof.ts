/**
 * Verifies a DBSC proof (spec: "DBSC Proof JWT Syntax") with jose: `typ: dbsc+jwt`, ES256 only
 * (the portal offers only ES256), the public JWK in the header on registration and never on
 * refresh, `jti` (the challenge), a fresh `iat`, and `aud`/`authorization` where expected. Never
 * throws on bad input; each failed guard names what was found and what was expected. Whether the
 * challenge is live and unused is the caller's check (the store decides "replayed" vs "stale").
 */
import { decodeProtectedHeader, importJWK, type JWTPayload, jwtVerify } from 'jose';
import { DBSC_PROOF_TYP } from '../../../shared/dbsc/createDbscProof.js';

/** Proofs carry a posture statement; both fit well under this. */
export const MAX_DBSC_PROOF_CHARS = 16_384;
/** A proof older than this (by its `iat`) is stale even if its challenge is still live. */
export const MAX_PROOF_AGE_SECONDS = 120;
const MAX_FUTURE_SKEW_SECONDS = 60;

export type DbscProofResult =
  | { verified: true; jti: string; payload: JWTPayload; jwk?: JsonWebKey; kid?: string }
  | { verified: false; code: 'ERR_DBSC_PROOF_FORGED' | 'ERR_DBSC_PROOF_STALE'; message: string; kid?: string };

export async function verifyDbscProof(args: {
  jwt: string;
  /** Refresh: the session's key. Registration: omit, the header's jwk is used. */
  publicJwk?: JsonWebKey;
  expectedAud: string;
  expectedAuthorization?: string;
  now: number;
}): Promise<DbscProofResult> {
  const forged = (message: string, kid?: string): DbscProofResult => ({
    verified: false,
    code: 'ERR_DBSC_PROOF_FORGED',
    message,
    ...(kid ? { kid } : {}),
  });
  if (args.jwt.length > MAX_DBSC_PROOF_CHARS) {
    return forged(`Proof is ${args.jwt.length} characters, expected at most ${MAX_DBSC_PROOF_CHARS}`);
  }
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(args.jwt);
  } catch {
    return forged('Proof is not a compact JWS');
  }
  const kid = typeof header.kid === 'string' && header.kid.length <= 64 ? header.kid : undefined;
  // Checked before any key is used, so "alg: none" or HS256 never reach a verifier.
  if (header.typ !== DBSC_PROOF_TYP)
    return forged(`Proof typ is "${String(header.typ)}", expected "${DBSC_PROOF_TYP}"`, kid);
  if (header.alg !== 'ES256') return forged(`Proof alg is "${String(header.alg)}", expected "ES256"`, kid);
  const registering = args.publicJwk === undefined;
  if (!registering && header.jwk !== undefined) return forged('A refresh proof must not carry a jwk', kid);
  const jwk = registering ? header.jwk : args.publicJwk;
  if (jwk?.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    return forged('Proof key is not an EC P-256 public JWK', kid);
  }
  if ('d' in jwk) return forged('Proof header carries a private key', kid);
  let payload: JWTPayload;
  try {
    const key = await importJWK({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, 'ES256');
    // Our own iat check below names staleness; jose checks signature, typ and alg here.
    ({ payload } = await jwtVerify(args.jwt, key, { typ: DBSC_PROOF_TYP, algorithms: ['ES256'] }));
  } catch {
    return forged('Proof signature does not verify with the session key', kid);
  }
  if (typeof payload.jti !== 'string' || payload.jti.length < 16 || payload.jti.length > 256) {
    return forged('Proof has no challenge (jti)', kid);
  }
  if (typeof payload.iat !== 'number') return forged('Proof has no iat', kid);
  const nowSeconds = Math.floor(args.now / 1000);
  if (payload.iat > nowSeconds + MAX_FUTURE_SKEW_SECONDS) {
    return forged(`Proof iat ${payload.iat} is in the future (now ${nowSeconds})`, kid);
  }
  if (payload.iat < nowSeconds - MAX_PROOF_AGE_SECONDS) {
    return {
      verified: false,
      code: 'ERR_DBSC_PROOF_STALE',
      message: `Proof was signed ${nowSeconds - payload.iat} s ago, expected at most ${MAX_PROOF_AGE_SECONDS} s`,
    };
  }
  if (payload.aud !== undefined && payload.aud !== args.expectedAud) {
    return forged(`Proof aud is "${String(payload.aud)}", expected "${args.expectedAud}"`, kid);
  }
  if (args.expectedAuthorization !== undefined && payload.authorization !== args.expectedAuthorization) {
    return forged('Proof authorization does not match the registration header', kid);
  }
  return {
    verified: true,
    jti: payload.jti,
    payload,
    ...(registering ? { jwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } } : {}),
    ...(kid ? { kid } : {}),
  };
}
