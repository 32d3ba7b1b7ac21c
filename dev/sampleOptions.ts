/**
 * Ready-made WebAuthn options for tests: what a portal at `http://localhost` would issue. Each
 * call gets a fresh random 32-byte challenge; `overrides` replace top-level fields.
 */
import { randomBytes } from '../shared/crypto/randomBytes.js';
import type { CreationOptionsJSON, RequestOptionsJSON } from '../shared/protocol/webauthnJson.js';
import { toBase64url } from '../shared/webauthn/base64url.js';

/** Registration options for RP ID `localhost`, ES256 first, user verification required. */
export function sampleCreationOptions(overrides: Partial<CreationOptionsJSON> = {}): CreationOptionsJSON {
  return {
    rp: { id: 'localhost', name: 'Keybound Portal' },
    user: { id: toBase64url(randomBytes(16)), name: 'ada@example.com', displayName: 'Ada Lovelace' },
    challenge: toBase64url(randomBytes(32)),
    pubKeyCredParams: [
      { type: 'public-key', alg: -7 },
      { type: 'public-key', alg: -257 },
    ],
    timeout: 60_000,
    authenticatorSelection: {
      authenticatorAttachment: 'platform',
      residentKey: 'preferred',
      userVerification: 'required',
    },
    attestation: 'none',
    ...overrides,
  };
}

/** Sign-in options for RP ID `localhost`, user verification required. */
export function sampleRequestOptions(overrides: Partial<RequestOptionsJSON> = {}): RequestOptionsJSON {
  return {
    challenge: toBase64url(randomBytes(32)),
    rpId: 'localhost',
    timeout: 60_000,
    userVerification: 'required',
    ...overrides,
  };
}
