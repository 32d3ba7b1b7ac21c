/**
 * A DBSC client in software, playing a browser's part for HTTP-level tests: it reads
 * Secure-Session-Registration from a response, registers a P-256 session key with a `dbsc+jwt`
 * proof, caches the challenge of Secure-Session-Challenge, and refreshes with a fresh proof (and,
 * like the Keybound daemon, a posture statement signed by the device identity key). Written from
 * the spec's algorithms only, so the portal is tested against the spec, not against itself.
 */

import type { CookieJarFetch, JarResponse } from '../../dev/CookieJarFetch.js';
import { createDbscProof } from '../../shared/dbsc/createDbscProof.js';
import {
  formatSfString,
  parseChallengeHeader,
  parseRegistrationHeader,
  SEC_SECURE_SESSION_ID,
  SECURE_SESSION_CHALLENGE,
  SECURE_SESSION_REGISTRATION,
  SECURE_SESSION_RESPONSE,
} from '../../shared/dbsc/dbscHeaders.js';
import { dbscSessionInstructions } from '../../shared/dbsc/dbscSessionInstructions.js';
import { jwkThumbprint } from '../../shared/dbsc/jwkThumbprint.js';
import { createPostureStatement } from '../../shared/device/createPostureStatement.js';
import type { PostureSignals } from '../../shared/device/postureSchema.js';

export interface DeviceIdentity {
  deviceId: string;
  sign(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array>;
}

export class SoftwareDbscClient {
  keyPair: CryptoKeyPair | undefined;
  sessionId: string | undefined;
  refreshUrl: string | undefined;
  cachedChallenge: string | undefined;
  posture: PostureSignals | undefined;

  constructor(
    readonly jar: CookieJarFetch,
    readonly identity?: DeviceIdentity,
    /** The time proofs are signed at (tests move the portal's clock; the client follows). */
    readonly clock: () => number = Date.now,
  ) {}

  /** Registers from the Secure-Session-Registration header of `res`; returns the registration response. */
  async registerFrom(res: JarResponse): Promise<JarResponse> {
    const [entry] = parseRegistrationHeader(res.headers.get(SECURE_SESSION_REGISTRATION));
    if (!entry?.challenge) throw new Error(`No usable ${SECURE_SESSION_REGISTRATION} header on ${res.url}`);
    if (!entry.algorithms.includes('ES256')) throw new Error(`ES256 not offered: ${entry.algorithms.join(' ')}`);
    this.keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const endpoint = new URL(entry.path, res.url).href;
    const jwk = await crypto.subtle.exportKey('jwk', this.keyPair.publicKey);
    const proof = await createDbscProof({
      sign: (data) => this.#sign(data),
      challenge: entry.challenge,
      jwk,
      aud: endpoint,
      now: new Date(this.clock()),
      ...(entry.authorization !== undefined ? { authorization: entry.authorization } : {}),
    });
    const reply = await this.jar.request(endpoint, {
      method: 'POST',
      headers: { [SECURE_SESSION_RESPONSE]: formatSfString(proof) },
    });
    if (reply.status === 200) this.#accept(reply, endpoint);
    return reply;
  }

  /** The proof a refresh would send for `challenge` (tests tamper with it). */
  async refreshProof(challenge: string, options: { iat?: Date; keyPair?: CryptoKeyPair } = {}): Promise<string> {
    const iat = options.iat ?? new Date(this.clock());
    const keyPair = options.keyPair ?? this.keyPair;
    if (!keyPair || !this.refreshUrl) throw new Error('register first');
    const claims: Record<string, unknown> = {};
    if (this.identity && this.posture) {
      claims.keybound_posture = await createPostureStatement({
        sign: (d) => (this.identity as DeviceIdentity).sign(d),
        deviceId: this.identity.deviceId,
        audience: new URL(this.refreshUrl).origin,
        nonce: challenge,
        posture: this.posture,
        now: iat,
      });
    }
    return createDbscProof({
      sign: async (data) =>
        new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keyPair.privateKey, data)),
      challenge,
      aud: this.refreshUrl,
      kid: await jwkThumbprint(await crypto.subtle.exportKey('jwk', keyPair.publicKey)),
      claims,
      now: iat,
    });
  }

  /** Sends one refresh request with `proof` (or none), as the spec's "send request" does. */
  async sendRefresh(proof: string | undefined, sessionId = this.sessionId): Promise<JarResponse> {
    if (!this.refreshUrl || !sessionId) throw new Error('register first');
    const headers: Record<string, string> = { [SEC_SECURE_SESSION_ID]: formatSfString(sessionId) };
    if (proof) headers[SECURE_SESSION_RESPONSE] = formatSfString(proof);
    const res = await this.jar.request(this.refreshUrl, { method: 'POST', headers });
    const challenge = parseChallengeHeader(res.headers.get(SECURE_SESSION_CHALLENGE)).get(sessionId);
    if (challenge) this.cachedChallenge = challenge;
    return res;
  }

  /** A full refresh: the cached challenge, or a 403 round trip for a new one, then one retry. */
  async refresh(): Promise<JarResponse> {
    if (!this.cachedChallenge) await this.sendRefresh(undefined);
    const challenge = this.cachedChallenge;
    if (!challenge) throw new Error('The refresh endpoint gave no challenge');
    this.cachedChallenge = undefined;
    let res = await this.sendRefresh(await this.refreshProof(challenge));
    if (res.status === 403 && this.cachedChallenge) {
      const retry = this.cachedChallenge;
      this.cachedChallenge = undefined;
      res = await this.sendRefresh(await this.refreshProof(retry));
    }
    return res;
  }

  #accept(reply: JarResponse, endpoint: string): void {
    const instructions = dbscSessionInstructions.parse(reply.json());
    if (!('session_identifier' in instructions)) throw new Error('registration ended the session');
    this.sessionId = instructions.session_identifier;
    this.refreshUrl = new URL(instructions.refresh_url ?? endpoint, endpoint).href;
    this.cachedChallenge = parseChallengeHeader(reply.headers.get(SECURE_SESSION_CHALLENGE)).get(this.sessionId);
  }

  async #sign(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
    if (!this.keyPair) throw new Error('no key');
    return new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, this.keyPair.privateKey, data));
  }
}
