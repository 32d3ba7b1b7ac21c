/**
 * The per-connection handshake: `hello` → `auth` (proof of the pairing secret) or `pair` (first
 * connection of an install) → authenticated. Any other request before that is refused by the
 * server with ERR_HANDSHAKE_REQUIRED.
 *
 * The hello nonce is fresh per connection and consumed by the first `auth` or `pair`, so a proof
 * recorded on one connection is worthless on any other. Pairing needs the user's approval in
 * Protect unless IT pre-authorised the (allow-listed Chrome) extension; re-pairing an install that
 * is already paired always needs Protect, so a process forging the extension's Origin cannot
 * silently replace a pairing.
 */
import { randomBytes } from 'node:crypto';
import { ChannelError, KeyboundError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/node/createLogger.js';
import {
  createPairingKeyPair,
  derivePairingSecret,
  type RequestOf,
  type ResultOf,
  SUPPORTED_PROTOCOL_VERSIONS,
  verifyPairingProof,
} from '../../../shared/protocol/index.js';
import { KEYBOUND_VERSION } from '../../../shared/version.js';
import type { AuditLog } from '../audit/AuditLog.js';
import type { ProtectEventSink } from '../protect/ProtectEventSink.js';
import type { UserVerifier } from '../protect/UserVerifier.js';
import type { PairingStore } from './PairingStore.js';
import type { PromptPairingGate } from './PromptPairingGate.js';

export type HandshakeState = 'new' | 'greeted' | 'busy' | 'authenticated';

export interface HandshakeDeps {
  extensionOrigin: string;
  /** The browser as the Origin scheme says (chrome-extension / safari-web-extension); preferred over the hello's claim. */
  originBrowser?: 'chrome' | 'safari';
  /** Whether the connection's extension id is pre-authorised to pair by IT policy. */
  preauthorized: boolean;
  store: PairingStore;
  verifier: UserVerifier;
  logger: Logger;
  audit?: AuditLog;
  clock?: () => Date;
  /** Aborted when the connection closes; cancels a pairing prompt still waiting in Protect. */
  signal?: AbortSignal;
  /** Where the pairing prompt's Protect events go (this connection). */
  events?: ProtectEventSink;
  /** The install the upgrade already proved (decision 0040); hello then completes authentication. */
  upgradeInstallId?: string;
  /** Bounds prompt pairing per origin (one pending, back-off after refusal). */
  promptGate?: PromptPairingGate;
}

const BROWSER_NAMES = { chrome: 'Chrome', safari: 'Safari', other: 'Browser' } as const;

export class PairingHandshake {
  state: HandshakeState = 'new';
  private nonce: string | undefined;
  private installId: string | undefined;
  browser = 'Browser';

  constructor(private readonly deps: HandshakeDeps) {}

  get authenticated(): boolean {
    return this.state === 'authenticated';
  }

  /** Negotiates the version and hands out this connection's nonce. */
  async hello(msg: RequestOf<'hello'>): Promise<ResultOf<'hello'>> {
    if (this.state !== 'new')
      throw new ChannelError('ERR_INVALID_MESSAGE', 'hello was already received on this connection');
    const version = Math.max(...msg.versions.filter((v) => SUPPORTED_PROTOCOL_VERSIONS.includes(v)));
    if (!Number.isFinite(version)) {
      throw new ChannelError(
        'ERR_UNSUPPORTED_VERSION',
        `Unsupported protocol versions ${msg.versions.join(', ')}, expected one of ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}. Update the extension or the daemon.`,
      );
    }
    this.state = 'greeted';
    this.nonce = randomBytes(32).toString('base64url');
    this.installId = msg.installId;
    this.browser = BROWSER_NAMES[this.deps.originBrowser ?? msg.client.browser];
    if (this.deps.upgradeInstallId !== undefined) {
      if (msg.installId !== this.deps.upgradeInstallId)
        throw new ChannelError('ERR_PAIRING_PROOF_INVALID', 'hello names another install than the upgrade proved.');
      this.state = 'authenticated';
      this.nonce = undefined;
      await this.deps.store.touch(msg.installId, this.now());
      return {
        version,
        daemonVersion: KEYBOUND_VERSION,
        nonce: randomBytes(32).toString('base64url'),
        paired: true,
        pairingPreauthorized: false,
        authenticated: true,
      };
    }
    const record = await this.deps.store.get(msg.installId);
    const paired = record !== undefined && record.extensionOrigin === this.deps.extensionOrigin;
    return {
      version,
      daemonVersion: KEYBOUND_VERSION,
      nonce: this.nonce,
      paired,
      pairingPreauthorized: this.deps.preauthorized && record === undefined,
    };
  }

  /** Checks the HMAC proof of the stored pairing secret for this connection's nonce. */
  async auth(msg: RequestOf<'auth'>): Promise<ResultOf<'auth'>> {
    const { nonce, installId } = this.take();
    const record = await this.deps.store.get(installId);
    if (!record || record.extensionOrigin !== this.deps.extensionOrigin) {
      this.fail('not-paired');
      throw new ChannelError('ERR_NOT_PAIRED', 'This browser extension is not paired with the daemon. Pair it again.');
    }
    const valid = await verifyPairingProof({
      secret: record.secret,
      nonce,
      installId,
      extensionOrigin: record.extensionOrigin,
      proof: msg.proof,
    });
    if (!valid) {
      this.fail('bad-proof');
      throw new ChannelError('ERR_PAIRING_PROOF_INVALID', 'The pairing proof is not valid for this connection.');
    }
    this.state = 'authenticated';
    await this.deps.store.touch(installId, this.now());
    this.deps.logger.info(
      { event: 'auth.succeeded', extensionOrigin: this.deps.extensionOrigin },
      'extension authenticated',
    );
    return { authenticated: true };
  }

  /** Pairs a new install after Protect approval (or IT pre-authorisation) and derives the shared secret. */
  async pair(msg: RequestOf<'pair'>): Promise<ResultOf<'pair'>> {
    const { nonce, installId } = this.take();
    const origin = this.deps.extensionOrigin;
    const existing = await this.deps.store.get(installId);
    const fields = { extensionOrigin: origin, browser: this.browser, repair: existing !== undefined };
    this.deps.audit?.record('pairing.requested', fields);
    if (this.deps.preauthorized && existing === undefined) {
      this.deps.audit?.record('pairing.preauthorized', fields);
    } else {
      this.deps.promptGate?.begin(origin);
      let outcome: 'approved' | 'refused' | 'cancelled' = 'refused';
      try {
        const handle = await this.deps.verifier.verify({
          action: 'pair',
          origin,
          browser: this.browser,
          requestId: msg.id,
          ...(this.deps.signal ? { signal: this.deps.signal } : {}),
          ...(this.deps.events ? { events: this.deps.events } : {}),
        });
        handle.complete({ ok: true });
        outcome = 'approved';
      } catch (err) {
        if (this.deps.signal?.aborted) outcome = 'cancelled';
        this.state = 'greeted';
        this.deps.audit?.record('pairing.denied', {
          ...fields,
          code: err instanceof KeyboundError ? err.code : 'ERR_INTERNAL',
        });
        if (err instanceof KeyboundError && err.code === 'ERR_USER_DENIED') {
          throw new ChannelError('ERR_PAIRING_DENIED', 'Pairing was denied in Protect.', { cause: err });
        }
        throw err;
      } finally {
        this.deps.promptGate?.end(origin, outcome);
      }
      this.deps.audit?.record('pairing.approved', fields);
    }
    const { keyPair, publicKey } = await createPairingKeyPair();
    let secret: Uint8Array<ArrayBuffer>;
    try {
      secret = await derivePairingSecret({
        privateKey: keyPair.privateKey,
        peerPublicKey: msg.publicKey,
        nonce,
        installId,
        extensionOrigin: origin,
      });
    } catch (err) {
      throw new ChannelError('ERR_INVALID_MESSAGE', 'The pairing public key is not a P-256 point.', { cause: err });
    }
    const pairedAt = this.now();
    await this.deps.store.put({
      installId,
      extensionOrigin: origin,
      secret,
      browser: this.browser,
      pairedAt,
      lastSeenAt: pairedAt,
    });
    secret.fill(0);
    this.state = 'authenticated';
    this.deps.logger.info({ event: 'pairing.stored', extensionOrigin: origin }, 'extension paired');
    return { publicKey, pairedAt };
  }

  /** Consumes the nonce: one `auth` or `pair` per hello. */
  private take(): { nonce: string; installId: string } {
    if (this.state === 'new') throw new ChannelError('ERR_HANDSHAKE_REQUIRED', 'Send hello first.');
    if (this.state !== 'greeted' || !this.nonce || !this.installId) {
      throw new ChannelError('ERR_INVALID_MESSAGE', 'The handshake is already in progress or done on this connection.');
    }
    const taken = { nonce: this.nonce, installId: this.installId };
    this.nonce = undefined;
    this.state = 'busy';
    return taken;
  }

  private fail(reason: string): void {
    this.deps.audit?.record('auth.failed', { extensionOrigin: this.deps.extensionOrigin, reason });
    this.deps.logger.warn(
      { event: 'auth.failed', code: 'ERR_PAIRING_PROOF_INVALID', reason },
      'extension authentication failed',
    );
  }

  private now(): string {
    return (this.deps.clock?.() ?? new Date()).toISOString();
  }
}
