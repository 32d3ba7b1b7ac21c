/**
 * The service worker's client for the daemon (protocol v1): connects lazily on demand, says
 * hello (version negotiation), pairs once or proves the stored pairing secret, retries a failed
 * connection with backoff, and keeps the worker busy while a request is in flight.
 *
 * A suspended worker loses its socket; nothing here needs to survive that except the install id
 * and pairing secret (in extension storage, behind {@link PairingCredentialStore}): the next
 * request simply connects again.
 */

import type { RequestType, ResultOf } from '../../../../shared/protocol/messages.js';
import {
  computePairingProof,
  createPairingKeyPair,
  derivePairingSecret,
} from '../../../../shared/protocol/pairingProof.js';
import { PROTECT_TIMEOUT_MS, SUPPORTED_PROTOCOL_VERSIONS } from '../../../../shared/protocol/version.js';
import { fromBase64url, toBase64url } from '../../../../shared/webauthn/base64url.js';
import {
  DaemonConnection,
  type DaemonEvent,
  type Log,
  type Outcome,
  type PayloadOf,
  type RemoteError,
  type WebSocketLike,
} from './DaemonConnection.js';

export type ConnectionState = 'idle' | 'connecting' | 'pairing' | 'connected' | 'unavailable';

export interface PairingCredentialStore {
  /** The install id (created once) and the pairing secret, base64url, if paired. */
  load(): Promise<{ installId: string; secret?: string }>;
  saveSecret(secret: string): Promise<void>;
  clearSecret(): Promise<void>;
}

export interface DaemonClientDeps {
  openSocket: (url: string) => WebSocketLike;
  daemonPort: () => Promise<number>;
  credentials: PairingCredentialStore;
  /** This extension's origin as the daemon sees it in `Origin` (part of the pairing transcript). */
  extensionOrigin: string;
  client: { browser: 'chrome' | 'safari' | 'other'; extensionVersion: string };
  onEvent: (event: DaemonEvent) => void;
  log: Log;
  /** Waits between connection attempts; the defaults suit a daemon that is starting up. */
  backoffMs?: readonly number[];
  keepAliveMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Time allowed for hello, auth and quick requests; pairing and Protect requests get Protect's time. */
export const QUICK_TIMEOUT_MS = 10_000;
export const PROTECT_REQUEST_TIMEOUT_MS = PROTECT_TIMEOUT_MS + 15_000;
const OPEN_TIMEOUT_MS = 3_000;
const REPAIR_CODES = new Set(['ERR_NOT_PAIRED', 'ERR_PAIRING_PROOF_INVALID']);

class HandshakeFailure extends Error {
  constructor(readonly error: RemoteError) {
    super(error.message);
  }
}

export class DaemonClient {
  state: ConnectionState = 'idle';
  /** The last reason the daemon could not be used, for the popup. */
  problem: RemoteError | undefined;
  private connection: DaemonConnection | undefined;
  private connecting: Promise<DaemonConnection> | undefined;
  private keepAlive: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly deps: DaemonClientDeps) {}

  /** Sends a request, connecting first if needed; resolves with the validated result or a coded error. */
  async request<T extends RequestType>(
    type: T,
    payload: PayloadOf<T>,
    options: { timeoutMs?: number; onId?: (id: string) => void } = {},
  ): Promise<Outcome<ResultOf<T>>> {
    let connection: DaemonConnection;
    try {
      connection = await this.connect();
    } catch (err) {
      return { ok: false, error: err instanceof HandshakeFailure ? err.error : unavailable(await this.port()) };
    }
    this.startKeepAlive();
    const outcome = await connection.request(type, payload, options.timeoutMs ?? QUICK_TIMEOUT_MS, options.onId);
    if (connection.busy === 0) this.stopKeepAlive();
    return outcome;
  }

  /** Drops the current connection (if any); the next request connects afresh. */
  disconnect(): void {
    this.connection?.close();
    this.connection = undefined;
    this.setState('idle');
  }

  private connect(): Promise<DaemonConnection> {
    if (this.connection?.isOpen) return Promise.resolve(this.connection);
    this.connecting ??= this.establish().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Tries to connect, with backoff between attempts while the daemon is not reachable. */
  private async establish(): Promise<DaemonConnection> {
    const backoff = this.deps.backoffMs ?? [250, 1_000];
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    this.setState('connecting');
    for (let attempt = 0; ; attempt++) {
      try {
        const connection = await this.handshake(true);
        this.connection = connection;
        connection.onClose = () => {
          if (this.connection === connection) this.connection = undefined;
          this.stopKeepAlive();
          if (this.state === 'connected') this.setState('idle');
        };
        this.problem = undefined;
        this.setState('connected');
        return connection;
      } catch (err) {
        if (err instanceof HandshakeFailure || attempt >= backoff.length) {
          this.problem = err instanceof HandshakeFailure ? err.error : unavailable(await this.port());
          this.setState('unavailable');
          this.deps.log('daemon.connect_failed', { code: this.problem.code });
          throw err;
        }
        await sleep(backoff[attempt] as number);
      }
    }
  }

  /** hello → auth with the stored secret, or pair (once per install, or again if the daemon forgot us). */
  private async handshake(mayRepair: boolean): Promise<DaemonConnection> {
    const port = await this.port();
    const socket = this.deps.openSocket(`ws://127.0.0.1:${port}/v1`);
    const connection = await DaemonConnection.open(socket, this.deps.log, OPEN_TIMEOUT_MS);
    connection.onEvent = (event) => this.deps.onEvent(event);
    const fail = (error: RemoteError) => {
      connection.close();
      return new HandshakeFailure(error);
    };
    const { installId, secret } = await this.deps.credentials.load();
    const hello = await connection.request(
      'hello',
      { versions: [...SUPPORTED_PROTOCOL_VERSIONS], installId, client: this.deps.client },
      QUICK_TIMEOUT_MS,
    );
    if (!hello.ok) throw fail(hello.error);
    const { nonce, paired } = hello.result;
    const extensionOrigin = this.deps.extensionOrigin;

    if (secret !== undefined && paired) {
      const proof = await computePairingProof({ secret: fromBase64url(secret), nonce, installId, extensionOrigin });
      const auth = await connection.request('auth', { proof }, QUICK_TIMEOUT_MS);
      if (auth.ok) return connection;
      if (!REPAIR_CODES.has(auth.error.code) || !mayRepair) throw fail(auth.error);
      // The daemon no longer knows this secret (its state was reset): pair again on a new connection.
      this.deps.log('daemon.repair', { code: auth.error.code });
      connection.close();
      await this.deps.credentials.clearSecret();
      return this.handshake(false);
    }

    if (secret !== undefined) await this.deps.credentials.clearSecret();
    this.setState('pairing');
    const { keyPair, publicKey } = await createPairingKeyPair();
    const pair = await connection.request('pair', { publicKey }, PROTECT_REQUEST_TIMEOUT_MS);
    if (!pair.ok) throw fail(pair.error);
    const derived = await derivePairingSecret({
      privateKey: keyPair.privateKey,
      peerPublicKey: pair.result.publicKey,
      nonce,
      installId,
      extensionOrigin,
    });
    await this.deps.credentials.saveSecret(toBase64url(derived));
    derived.fill(0);
    this.deps.log('daemon.paired', { code: 'OK' });
    return connection;
  }

  /** While a request waits (e.g. for Protect), a ping every 20 s keeps the worker from being suspended. */
  private startKeepAlive(): void {
    if (this.keepAlive !== undefined) return;
    this.keepAlive = setInterval(() => {
      const connection = this.connection;
      if (!connection?.isOpen || connection.busy === 0) return this.stopKeepAlive();
      void connection.request('ping', {}, QUICK_TIMEOUT_MS);
    }, this.deps.keepAliveMs ?? 20_000);
  }

  private stopKeepAlive(): void {
    if (this.keepAlive !== undefined) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }

  private setState(state: ConnectionState): void {
    this.state = state;
  }

  private async port(): Promise<number> {
    return this.deps.daemonPort();
  }
}

function unavailable(port: number): RemoteError {
  return {
    code: 'ERR_DAEMON_UNAVAILABLE',
    message: `The Keybound daemon is not reachable on 127.0.0.1:${port}. Start it (keybound daemon), then try again.`,
  };
}
