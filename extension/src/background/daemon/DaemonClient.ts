/**
 * The service worker's client for the daemon (protocol v1): connects lazily on demand, says
 * hello (version negotiation), pairs once or proves the stored pairing secret, retries a failed
 * connection with backoff, and keeps the worker busy while a request is in flight.
 *
 * A suspended worker loses its socket; nothing here needs to survive that except the install id
 * and pairing secret (in extension storage, behind {@link PairingCredentialStore}): the next
 * request simply connects again.
 */

import type { WireError } from '../../../../shared/errors.js';
import type { PayloadOf, RequestType, ResultOf } from '../../../../shared/protocol/messages.js';
import { computeUpgradeProof, WS_SUBPROTOCOL } from '../../../../shared/protocol/upgradeProof.js';
import { PROTECT_TIMEOUT_MS, SUPPORTED_PROTOCOL_VERSIONS } from '../../../../shared/protocol/version.js';
import { fromBase64url } from '../../../../shared/webauthn/base64url.js';
import { DaemonConnection, type DaemonEvent, type Log, type Outcome, type WebSocketLike } from './DaemonConnection.js';
import type { NativeHostApi } from './NativeHost.js';

export type ConnectionState = 'idle' | 'connecting' | 'pairing' | 'connected' | 'unavailable';

export interface PairingCredentialStore {
  /** The install id (created once), the pairing secret (base64url) and the daemon's port, if paired. */
  load(): Promise<{ installId: string; secret?: string; port?: number }>;
  saveSecret(secret: string, port: number): Promise<void>;
  clearSecret(): Promise<void>;
}

export interface DaemonClientDeps {
  /** Opens the WebSocket offering `protocols` (the subprotocol and the upgrade proof). */
  openSocket: (url: string, protocols: string[]) => WebSocketLike;
  /** The native-messaging host: the daemon's port and the pairing secret come from it (decision 0040). */
  native: NativeHostApi;
  /** A Protect window to open for a pairing the daemon asked the user about. */
  onPairingPrompt?: (url: string) => void;
  /** The pairing that prompted ended (approved or not): its window may close. */
  onPairingSettled?: (approved: boolean) => void;
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

class HandshakeFailure extends Error {
  constructor(readonly error: WireError) {
    super(error.message);
  }
}

export class DaemonClient {
  state: ConnectionState = 'idle';
  /** The last reason the daemon could not be used, for the popup. */
  problem: WireError | undefined;
  private connection: DaemonConnection | undefined;
  private connecting: Promise<DaemonConnection> | undefined;
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  private lastPort: number | undefined;

  constructor(private readonly deps: DaemonClientDeps) {}

  /** The port this user's daemon was last tried on, as the native host named it (decision 0041). */
  get port(): number | undefined {
    return this.lastPort;
  }

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
      return { ok: false, error: err instanceof HandshakeFailure ? err.error : unavailable(this.lastPort) };
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
        const connection = await this.handshake();
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
          this.problem = err instanceof HandshakeFailure ? err.error : unavailable(this.lastPort);
          this.setState('unavailable');
          this.deps.log('daemon.connect_failed', { code: this.problem.code });
          throw err;
        }
        await sleep(backoff[attempt] as number);
      }
    }
  }

  /**
   * Authenticates at the upgrade with the stored secret. Without one — or when the daemon refuses
   * it or moved — asks the native host: `discover` for the current port, `pair` for a new secret.
   */
  private async handshake(): Promise<DaemonConnection> {
    let { installId, secret, port } = await this.deps.credentials.load();
    if (secret === undefined || port === undefined) ({ secret, port } = await this.pairNatively(installId));
    try {
      return await this.open(port, installId, secret);
    } catch (first) {
      if (first instanceof HandshakeFailure && first.error.code !== 'ERR_PAIRING_PROOF_INVALID') throw first;
      const found = await this.deps.native.discover(installId);
      if (!found.ok) throw new HandshakeFailure(found.error);
      if (found.result.paired && found.result.port === port) throw first;
      if (found.result.paired) {
        port = found.result.port;
        await this.deps.credentials.saveSecret(secret, port);
      } else {
        this.deps.log('daemon.repair', { code: 'ERR_NOT_PAIRED' });
        ({ secret, port } = await this.pairNatively(installId));
      }
      return this.open(port, installId, secret);
    }
  }

  private async pairNatively(installId: string): Promise<{ secret: string; port: number }> {
    let prompted = false;
    const paired = await this.deps.native.pair(installId, (url) => {
      // Only now does pairing wait for the user ("pairing" for the page and the popup).
      prompted = true;
      this.setState('pairing');
      this.deps.onPairingPrompt?.(url);
    });
    if (prompted) {
      this.deps.onPairingSettled?.(paired.ok);
      this.setState('connecting');
    }
    if (!paired.ok) throw new HandshakeFailure(paired.error);
    await this.deps.credentials.saveSecret(paired.result.secret, paired.result.port);
    this.deps.log('daemon.paired', { code: 'OK' });
    return paired.result;
  }

  /** Opens the socket with the upgrade proof, then hello (version negotiation). */
  private async open(port: number, installId: string, secret: string): Promise<DaemonConnection> {
    this.lastPort = port;
    const extensionOrigin = this.deps.extensionOrigin;
    const proof = await computeUpgradeProof({ secret: fromBase64url(secret), installId, extensionOrigin });
    const socket = this.deps.openSocket(`ws://127.0.0.1:${port}/v1`, [WS_SUBPROTOCOL, proof]);
    const connection = await DaemonConnection.open(socket, this.deps.log, OPEN_TIMEOUT_MS);
    connection.onEvent = (event) => this.deps.onEvent(event);
    const hello = await connection.request(
      'hello',
      { versions: [...SUPPORTED_PROTOCOL_VERSIONS], installId, client: this.deps.client },
      QUICK_TIMEOUT_MS,
    );
    if (!hello.ok || hello.result.authenticated !== true) {
      connection.close();
      throw new HandshakeFailure(
        hello.ok
          ? { code: 'ERR_PAIRING_PROOF_INVALID', message: 'The daemon did not accept the pairing.' }
          : hello.error,
      );
    }
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
}

function unavailable(port: number | undefined): WireError {
  return {
    code: 'ERR_DAEMON_UNAVAILABLE',
    message: `The Keybound daemon is not reachable${port === undefined ? '' : ` on 127.0.0.1:${port}`}. Start it (keybound daemon, or its service), then try again.`,
  };
}
