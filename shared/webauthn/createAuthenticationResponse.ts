import { defaultCrypto } from '../crypto/CryptoProvider.js';
import type { AuthenticationResponseJSON, RequestOptionsJSON } from '../protocol/webauthnJson.js';
import { toBase64url } from './base64url.js';
import { concatBytes } from './concatBytes.js';
import { encodeAuthenticatorData } from './encodeAuthenticatorData.js';
import { encodeClientDataJSON } from './encodeClientDataJSON.js';
import { rawSignatureToDer } from './rawSignatureToDer.js';
import { resolveRpId } from './resolveRpId.js';
import { type Sha256, sha256 } from './sha256.js';

/**
 * Builds a WebAuthn authentication response (assertion). The caller owns the key: `sign` gets
 * the bytes to sign (authenticatorData ‖ SHA-256(clientDataJSON)) and returns WebCrypto's raw
 * ECDSA P-256 signature (r ‖ s), which is DER-encoded here as WebAuthn requires.
 *
 * Refuses an RP ID the origin may not use (`ERR_RP_ID_MISMATCH`). Flags: UP, and UV only when
 * `userVerified`. Choosing the credential (allowCredentials) and the counter is the caller's job.
 */
export async function createAuthenticationResponse(args: {
  subtle?: SubtleCrypto;
  /** The tab's origin as the browser reports it. */
  origin: string;
  options: RequestOptionsJSON;
  credentialId: Uint8Array;
  /** The user handle stored at registration (options.user.id): bytes or its base64url text. */
  userHandle?: Uint8Array | string;
  signCount: number;
  userVerified: boolean;
  sign: (data: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>;
  /** SHA-256 to use instead of `subtle.digest` (e.g. a synchronous one: no thread-pool hop). */
  sha256?: Sha256;
}): Promise<AuthenticationResponseJSON> {
  const subtle = args.subtle ?? defaultCrypto.subtle;
  const rpId = resolveRpId(args.origin, args.options.rpId);
  const clientDataJSON = encodeClientDataJSON({
    type: 'webauthn.get',
    challenge: args.options.challenge,
    origin: args.origin,
  });
  const hash = args.sha256 ?? ((d: Uint8Array | string) => sha256(d, subtle));
  // Side by side: WebCrypto digests overlap in the thread pool; a synchronous hash just returns.
  const [rpIdHash, clientDataHash] = await Promise.all([hash(rpId), hash(clientDataJSON)]);
  const authenticatorData = encodeAuthenticatorData({
    rpIdHash,
    flags: { up: true, uv: args.userVerified, be: false, bs: false },
    signCount: args.signCount,
  });
  const raw = await args.sign(concatBytes(authenticatorData, clientDataHash));
  const id = toBase64url(args.credentialId);
  const userHandle =
    typeof args.userHandle === 'string' ? args.userHandle : args.userHandle && toBase64url(args.userHandle);
  return {
    id,
    rawId: id,
    type: 'public-key',
    response: {
      clientDataJSON: toBase64url(clientDataJSON),
      authenticatorData: toBase64url(authenticatorData),
      signature: toBase64url(rawSignatureToDer(raw)),
      ...(userHandle === undefined ? {} : { userHandle }),
    },
    authenticatorAttachment: 'platform',
    clientExtensionResults: {},
  };
}
