/**
 * An in-memory WebAuthn platform authenticator with a device identity, built only from
 * shared/webauthn and shared/device. The portal's HTTP tests use it in place of the daemon
 * (and the extension): `register` returns what the daemon's `register` result carries
 * (`{ credential, deviceStatement }`), `signIn` what its `signIn` result carries.
 *
 * `misbehave` lets attack tests produce responses a correct device never would (no user
 * verification, a counter that stays or goes back); everything else follows the real encoding.
 */
import { type CryptoProvider, defaultCrypto } from '../shared/crypto/CryptoProvider.js';
import { randomBytes } from '../shared/crypto/randomBytes.js';
import { createDeviceStatement } from '../shared/device/createDeviceStatement.js';
import { AuthenticatorError } from '../shared/errors.js';
import type { EnrollmentType } from '../shared/protocol/device.js';
import type { ResultOf } from '../shared/protocol/messages.js';
import type { CreationOptionsJSON, RequestOptionsJSON } from '../shared/protocol/webauthnJson.js';
import { fromBase64url } from '../shared/webauthn/base64url.js';
import { createAuthenticationResponse } from '../shared/webauthn/createAuthenticationResponse.js';
import { createRegistrationResponse } from '../shared/webauthn/createRegistrationResponse.js';

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** One credential held by the software authenticator. */
export interface SoftwareCredential {
  /** base64url credential id. */
  id: string;
  rpId: string;
  /** base64url user handle (options.user.id). */
  userHandle: string;
  userName: string;
  keyPair: CryptoKeyPair;
  cosePublicKey: Uint8Array;
  signCount: number;
}

/** Ways to misbehave, for attack tests. Unset fields mean "behave". */
export interface Misbehaviour {
  /** Report this user-verified flag instead of true. */
  userVerified?: boolean;
  /** Report this counter on every sign-in instead of an increasing one. */
  fixedCounter?: number;
  /**
   * Sign in as if the tab were this origin (and, with `signInRpId`, this RP ID) while still
   * using the credential registered for the real one: a phished or relayed assertion. The pair
   * must be consistent with each other (e.g. `https://evil.example` and `evil.example`).
   */
  signInOrigin?: string;
  signInRpId?: string;
}

export class SoftwareAuthenticator {
  /** The device id the portal's inventory issued at enrollment; needed by `register`. */
  deviceId: string | undefined;
  enrollmentType: EnrollmentType;
  misbehave: Misbehaviour = {};
  readonly #provider: CryptoProvider;
  readonly #credentials = new Map<string, SoftwareCredential>();
  #identity: { keyPair: CryptoKeyPair; publicJwk: JsonWebKey } | undefined;

  constructor(options: { provider?: CryptoProvider; deviceId?: string; enrollmentType?: EnrollmentType } = {}) {
    this.#provider = options.provider ?? defaultCrypto;
    this.deviceId = options.deviceId;
    this.enrollmentType = options.enrollmentType ?? 'desktop-agent';
  }

  /**
   * Creates the device identity key pair (private half non-extractable); returns its public JWK.
   * Always made with the runtime's WebCrypto: jose signs the device statement with it, and jose
   * only accepts the runtime's own CryptoKey objects.
   */
  async enrollIdentity(): Promise<JsonWebKey> {
    const keyPair = (await defaultCrypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair;
    const { kty, crv, x, y } = await defaultCrypto.subtle.exportKey('jwk', keyPair.publicKey);
    this.#identity = { keyPair, publicJwk: { kty, crv, x, y } };
    return this.identityPublicJwk;
  }

  /** The identity public key, as sent in `POST /api/devices/enroll`. */
  get identityPublicJwk(): JsonWebKey {
    if (!this.#identity) throw new TypeError('SoftwareAuthenticator: call enrollIdentity() first');
    return { ...this.#identity.publicJwk };
  }

  /** Signs with the device identity key (raw r‖s), as the daemon does for posture statements. */
  async identitySign(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
    if (!this.#identity) throw new TypeError('SoftwareAuthenticator: call enrollIdentity() first');
    const signature = await this.#provider.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      this.#identity.keyPair.privateKey,
      data,
    );
    return new Uint8Array(signature);
  }

  /** Registers a new credential for `options` at `origin`; returns the response and the device statement. */
  async register(origin: string, options: CreationOptionsJSON): Promise<ResultOf<'register'>> {
    if (!this.#identity || this.deviceId === undefined) {
      throw new TypeError('SoftwareAuthenticator: enrollIdentity() and deviceId are needed before register()');
    }
    const keyPair = await this.#generateKeyPair();
    const credentialId = randomBytes(32, this.#provider);
    const { response, rpId, cosePublicKey } = await createRegistrationResponse({
      subtle: this.#provider.subtle,
      origin,
      options,
      credentialId,
      publicKey: keyPair.publicKey,
      signCount: 0,
      userVerified: this.misbehave.userVerified ?? true,
    });
    const deviceStatement = await createDeviceStatement({
      privateKey: this.#identity.keyPair.privateKey,
      deviceId: this.deviceId,
      rpId,
      credentialId,
      cosePublicKey,
      challenge: options.challenge,
      enrollmentType: this.enrollmentType,
    });
    this.#credentials.set(response.id, {
      id: response.id,
      rpId,
      userHandle: options.user.id,
      userName: options.user.name,
      keyPair,
      cosePublicKey,
      signCount: 0,
    });
    return { credential: response, deviceStatement };
  }

  /**
   * Signs in with a credential for the RP ID: one from `allowCredentials` if given, else the most
   * recently registered one (a discoverable credential). The counter increases by one each time.
   */
  async signIn(origin: string, options: RequestOptionsJSON): Promise<ResultOf<'signIn'>> {
    const credential = this.#pick(origin, options);
    credential.signCount = this.misbehave.fixedCounter ?? credential.signCount + 1;
    const subtle = this.#provider.subtle;
    const response = await createAuthenticationResponse({
      subtle,
      origin: this.misbehave.signInOrigin ?? origin,
      options: { ...options, rpId: this.misbehave.signInRpId ?? credential.rpId },
      credentialId: fromBase64url(credential.id),
      userHandle: credential.userHandle,
      signCount: credential.signCount,
      userVerified: this.misbehave.userVerified ?? true,
      sign: async (data) =>
        new Uint8Array(await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, credential.keyPair.privateKey, data)),
    });
    return { credential: response };
  }

  /** The credentials held, newest last (copies; the key pairs are shared). */
  listCredentials(): SoftwareCredential[] {
    return [...this.#credentials.values()].map((c) => ({ ...c }));
  }

  /** Sets a credential's counter, e.g. back to an old value to prove the portal refuses it. */
  setSignCount(credentialId: string, signCount: number): void {
    const credential = this.#credentials.get(credentialId);
    if (!credential) throw new TypeError(`SoftwareAuthenticator: no credential "${credentialId}"`);
    credential.signCount = signCount;
  }

  /** Forgets a credential, as deleting the account in Protect does. */
  deleteCredential(credentialId: string): boolean {
    return this.#credentials.delete(credentialId);
  }

  #pick(origin: string, options: RequestOptionsJSON): SoftwareCredential {
    const host = new URL(origin).hostname;
    const rpId = options.rpId ?? host;
    const allowed = options.allowCredentials?.map((c) => c.id);
    const candidates = [...this.#credentials.values()].filter(
      (c) => c.rpId === rpId && (allowed === undefined || allowed.length === 0 || allowed.includes(c.id)),
    );
    const credential = candidates.at(-1);
    if (!credential) {
      throw new AuthenticatorError('ERR_CREDENTIAL_NOT_FOUND', `No credential for RP ID "${rpId}" on this device`);
    }
    return credential;
  }

  async #generateKeyPair(): Promise<CryptoKeyPair> {
    return (await this.#provider.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify'])) as CryptoKeyPair;
  }
}
