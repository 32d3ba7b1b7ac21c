import { defaultCrypto } from '../crypto/CryptoProvider.js';
import { AuthenticatorError } from '../errors.js';
import type { CreationOptionsJSON, RegistrationResponseJSON } from '../protocol/webauthnJson.js';
import { toBase64url } from './base64url.js';
import { coseKeyFromCryptoKey } from './coseKeyFromCryptoKey.js';
import { type AttestationStatement, encodeAttestationObject } from './encodeAttestationObject.js';
import { encodeAttestedCredentialData } from './encodeAttestedCredentialData.js';
import { encodeAuthenticatorData } from './encodeAuthenticatorData.js';
import { encodeClientDataJSON } from './encodeClientDataJSON.js';
import { resolveRpId } from './resolveRpId.js';
import { type Sha256, sha256 } from './sha256.js';

/** COSE algorithm identifier of ES256 (ECDSA P-256 with SHA-256), the only one we create. */
export const COSE_ALG_ES256 = -7;

/**
 * Builds a WebAuthn registration response (attestation 'none') for a credential the caller has
 * already created, as a platform authenticator would return it to the relying party.
 *
 * Refuses options without ES256 (`ERR_ALGORITHM_UNSUPPORTED`) and an RP ID the origin may not
 * use (`ERR_RP_ID_MISMATCH`). Flags: UP, AT, and UV only when `userVerified` (Protect verified the
 * user); BE/BS off because the credential is device-bound. Returns the JSON response, the
 * effective RP ID and the COSE public key (which the device statement binds).
 */
export async function createRegistrationResponse(args: {
  subtle?: SubtleCrypto;
  /** The tab's origin as the browser reports it. */
  origin: string;
  options: CreationOptionsJSON;
  credentialId: Uint8Array;
  publicKey: CryptoKey;
  signCount: number;
  userVerified: boolean;
  /** 16 bytes; defaults to all zeros (attestation 'none'). */
  aaguid?: Uint8Array;
  /** SHA-256 to use instead of `subtle.digest` (e.g. a synchronous one: no thread-pool hop). */
  sha256?: Sha256;
  /**
   * A hardware key store's attestation of the new key over attToBeSigned (authData ‖
   * clientDataHash), e.g. the TPM's 'tpm' statement; without it the format is 'none'.
   */
  attest?: (authData: Uint8Array, clientDataHash: Uint8Array) => Promise<AttestationStatement>;
}): Promise<{ response: RegistrationResponseJSON; rpId: string; cosePublicKey: Uint8Array<ArrayBuffer> }> {
  const subtle = args.subtle ?? defaultCrypto.subtle;
  const { options } = args;
  const algs = options.pubKeyCredParams.map((p) => p.alg);
  if (!algs.includes(COSE_ALG_ES256)) {
    throw new AuthenticatorError(
      'ERR_ALGORITHM_UNSUPPORTED',
      `Unsupported algorithms [${algs.join(', ')}], expected ES256 (${COSE_ALG_ES256}) among them`,
    );
  }
  const rpId = resolveRpId(args.origin, options.rp.id);
  const clientDataJSON = encodeClientDataJSON({
    type: 'webauthn.create',
    challenge: options.challenge,
    origin: args.origin,
  });
  const cosePublicKey = await coseKeyFromCryptoKey(subtle, args.publicKey);
  const authData = encodeAuthenticatorData({
    rpIdHash: await (args.sha256 ? args.sha256(rpId) : sha256(rpId, subtle)),
    flags: { up: true, uv: args.userVerified, at: true, be: false, bs: false },
    signCount: args.signCount,
    attestedCredentialData: encodeAttestedCredentialData({
      aaguid: args.aaguid ?? new Uint8Array(16),
      credentialId: args.credentialId,
      cosePublicKey,
    }),
  });
  const statement = args.attest
    ? await args.attest(authData, await (args.sha256 ? args.sha256(clientDataJSON) : sha256(clientDataJSON, subtle)))
    : undefined;
  const spki = new Uint8Array(await subtle.exportKey('spki', args.publicKey));
  const id = toBase64url(args.credentialId);
  const response: RegistrationResponseJSON = {
    id,
    rawId: id,
    type: 'public-key',
    response: {
      clientDataJSON: toBase64url(clientDataJSON),
      attestationObject: toBase64url(
        encodeAttestationObject(statement ? { ...statement, authData } : { fmt: 'none', authData }),
      ),
      authenticatorData: toBase64url(authData),
      transports: ['internal'],
      publicKeyAlgorithm: COSE_ALG_ES256,
      publicKey: toBase64url(spki),
    },
    authenticatorAttachment: 'platform',
    clientExtensionResults: {},
  };
  return { response, rpId, cosePublicKey };
}
