/**
 * One extension connection after the upgrade was authorised. Every inbound frame goes through
 * the fixed order: rate bound → size → JSON.parse in a try → strict schema → pending bound →
 * handshake or handler. Failures answer `{ type: 'result', id, ok: false, error }` and log an
 * event with its code; nothing a peer sends can throw out of here.
 */
import { setMaxListeners } from 'node:events';
import type { WebSocket } from 'ws';
import { ChannelError, KeyboundError, toWireError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/node/createLogger.js';
import {
  type ClientMessage,
  clientMessage,
  type DaemonMessage,
  MAX_MESSAGE_BYTES,
  MAX_PENDING_PER_CONNECTION,
  parseMessage,
} from '../../../shared/protocol/index.js';
import type { AuditLog } from '../audit/AuditLog.js';
import type { AuthenticatorApi } from '../authenticator/AuthenticatorApi.js';
import type { DeviceSide } from '../DeviceSide.js';
import { PairingHandshake } from '../pairing/PairingHandshake.js';
import type { PromptPairingGate } from '../pairing/PromptPairingGate.js';
import type { ProtectEventSink } from '../protect/ProtectEventSink.js';
import type { UserVerifier } from '../protect/UserVerifier.js';
import { type AppRequest, dispatchRequest } from './dispatchRequest.js';
import { RateLimiter } from './RateLimiter.js';

export interface ConnectionDeps {
  extensionOrigin: string;
  originBrowser?: 'chrome' | 'safari';
  preauthorized: boolean;
  /** The device side (pairings, authenticator); every request waits for it to be open. */
  side: Promise<Pick<DeviceSide, 'pairings' | 'authenticator'>>;
  verifier: UserVerifier;
  logger: Logger;
  audit?: AuditLog;
  clock?: () => Date;
  maxPending?: number;
  /** Messages per second a connection may send (burst twice that). */
  messagesPerSecond?: number;
  /** Time allowed between the upgrade and `hello`. */
  helloTimeoutMs?: number;
  /** The install whose pairing the upgrade proved (decision 0040); absent on an unauthenticated socket. */
  upgradeInstallId?: string;
  promptGate?: PromptPairingGate;
}

/** Errors after which the connection is closed: the peer failed to authenticate. */
const CLOSING_CODES = new Set([
  'ERR_PAIRING_PROOF_INVALID',
  'ERR_NOT_PAIRED',
  'ERR_PAIRING_DENIED',
  'ERR_UNSUPPORTED_VERSION',
]);
/** Rate-limit violations tolerated before the connection is closed. */
const MAX_RATE_VIOLATIONS = 32;

/** Serves one WebSocket until it closes. */
export function handleConnection(ws: WebSocket, deps: ConnectionDeps): void {
  const log = deps.logger.child({ extensionOrigin: deps.extensionOrigin });
  const closed = new AbortController();
  // Every pending request listens on this signal; the pending bound caps how many.
  setMaxListeners((deps.maxPending ?? MAX_PENDING_PER_CONNECTION) + 4, closed.signal);
  const maxPending = deps.maxPending ?? MAX_PENDING_PER_CONNECTION;
  const rate = new RateLimiter(2 * (deps.messagesPerSecond ?? 50), deps.messagesPerSecond ?? 50);
  let pending = 0;
  let violations = 0;

  const send = sender(ws, log);
  const refuse = (id: string, error: { code: string; message: string }) => {
    send({ type: 'result', id, ok: false, error });
  };
  // Protect's events for this connection's requests. Only a connection whose upgrade proved a
  // pairing names its extension to Protect: that extension's native host may then fetch the
  // approval URL; nobody on the WebSocket can.
  const events: ProtectEventSink = {
    send,
    ...(deps.upgradeInstallId !== undefined ? { extensionOrigin: deps.extensionOrigin } : {}),
  };
  /** Made with the first message, once the device side (its pairing store) is open. */
  let handshake: PairingHandshake | undefined;
  // Each app request's own lifetime: the connection's, cut short by the requester's `cancel`.
  const inflight = new Map<string, AbortController>();

  const helloTimer = setTimeout(() => {
    if ((handshake?.state ?? 'new') === 'new') {
      log.warn({ event: 'connection.hello_timeout', code: 'ERR_HANDSHAKE_REQUIRED' }, 'no hello in time');
      ws.close(1008, 'hello required');
    }
  }, deps.helloTimeoutMs ?? 10_000);
  helloTimer.unref();

  ws.on('error', (err) =>
    log.warn({ event: 'connection.error', code: 'ERR_INTERNAL', err: err.message }, 'socket error'),
  );
  ws.on('close', () => {
    clearTimeout(helloTimer);
    closed.abort();
  });

  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    if (!rate.take()) {
      violations++;
      log.warn({ event: 'message.refused', code: 'ERR_RATE_LIMITED' }, 'message rate exceeded');
      refuse('-', { code: 'ERR_RATE_LIMITED', message: 'Too many messages. Slow down.' });
      if (violations > MAX_RATE_VIOLATIONS) ws.close(1008, 'rate limit');
      return;
    }
    // ws hands over a Buffer (nodebuffer binaryType): used as is, not copied.
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const parsed = parseMessage(clientMessage, bytes, MAX_MESSAGE_BYTES);
    if (!parsed.ok) {
      log.warn({ event: 'message.refused', code: parsed.error.code }, 'invalid message');
      refuse(parsed.id ?? '-', parsed.error);
      return;
    }
    const msg = parsed.value;
    if (pending >= maxPending) {
      log.warn({ event: 'message.refused', code: 'ERR_TOO_MANY_PENDING', type: msg.type }, 'too many pending requests');
      refuse(msg.id, {
        code: 'ERR_TOO_MANY_PENDING',
        message: `At most ${maxPending} requests may be pending on one connection.`,
      });
      return;
    }
    pending++;
    handle(msg)
      .then(
        (result) => send({ type: 'result', id: msg.id, ok: true, result }),
        (err: unknown) => {
          const wire = toWireError(err);
          if (err instanceof KeyboundError)
            log.info({ event: 'request.refused', type: msg.type, code: wire.code }, err.message);
          else log.error({ event: 'request.failed', type: msg.type, code: wire.code, err }, 'request failed');
          refuse(msg.id, wire);
          // A failed auth or pair used up this connection's nonce: nothing more can succeed on it.
          if (CLOSING_CODES.has(wire.code) || msg.type === 'auth' || msg.type === 'pair') ws.close(1008, wire.code);
        },
      )
      .finally(() => {
        pending--;
      });
  });

  async function handle(msg: ClientMessage): Promise<unknown> {
    const side = await deps.side;
    handshake ??= new PairingHandshake({
      ...deps,
      store: side.pairings,
      logger: log,
      signal: closed.signal,
      events,
    });
    switch (msg.type) {
      case 'hello':
        return handshake.hello(msg);
      case 'auth':
        return handshake.auth(msg);
      case 'pair':
        return handshake.pair(msg);
      default:
        if (!handshake.authenticated) {
          throw new ChannelError('ERR_HANDSHAKE_REQUIRED', 'Authenticate first: send hello, then auth or pair.');
        }
        if (msg.type === 'cancel') return cancel(msg.requestId);
        return dispatchWithLifetime(side.authenticator, msg, handshake.browser);
    }
  }

  async function dispatchWithLifetime(api: AuthenticatorApi, msg: AppRequest, browser: string) {
    const own = new AbortController();
    const signal = AbortSignal.any([closed.signal, own.signal]);
    inflight.set(msg.id, own);
    try {
      return await dispatchRequest(api, msg.type, msg, { requestId: msg.id, browser, signal, events });
    } finally {
      inflight.delete(msg.id);
    }
  }

  /** The requester abandons its own pending request: a Protect prompt for it ends as cancelled. */
  function cancel(requestId: string): { cancelled: boolean } {
    const own = inflight.get(requestId);
    if (!own) return { cancelled: false };
    log.info({ event: 'request.cancelled', code: 'OK' }, 'the requester abandoned a request');
    own.abort();
    return { cancelled: true };
  }
}

/**
 * Sends on `ws` while it is open. The extension caps inbound messages like we do: a result it
 * would refuse becomes a clear error instead.
 */
function sender(ws: WebSocket, log: Logger): (msg: DaemonMessage) => void {
  return (msg) => {
    if (ws.readyState !== ws.OPEN) return;
    let text = JSON.stringify(msg);
    if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES && msg.type === 'result') {
      log.warn({ event: 'result.too_large', code: 'ERR_MESSAGE_TOO_LARGE' }, 'result larger than the message limit');
      const error = { code: 'ERR_MESSAGE_TOO_LARGE', message: `The answer is larger than ${MAX_MESSAGE_BYTES} bytes.` };
      text = JSON.stringify({ type: 'result', id: msg.id, ok: false, error });
    }
    ws.send(text);
  };
}
