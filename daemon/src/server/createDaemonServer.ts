/**
 * The daemon's loopback listener: one node:http server per address (127.0.0.1, and [::1] when
 * asked) sharing one ws server in `noServer` mode. Upgrades are decided by the pure
 * {@link authorizeUpgrade} before any WebSocket exists; plain HTTP serves only the Protect window.
 * No response ever carries CORS headers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../../shared/node/createLogger.js';
import { WS_SUBPROTOCOL } from '../../../shared/protocol/upgradeProof.js';
import { MAX_MESSAGE_BYTES } from '../../../shared/protocol/version.js';
import type { AuditLog } from '../audit/AuditLog.js';
import type { DeviceSide } from '../DeviceSide.js';
import type { ExtensionPolicy } from '../pairing/loadDaemonConfig.js';
import { PromptPairingGate } from '../pairing/PromptPairingGate.js';
import { handleProtectHttp } from '../protect/handleProtectHttp.js';
import type { ProtectQueue } from '../protect/ProtectQueue.js';
import { authorizeUpgrade } from './authorizeUpgrade.js';
import { checkHost } from './checkHost.js';
import { type ConnectionDeps, handleConnection } from './handleConnection.js';
import { UpgradeAuthenticator } from './UpgradeAuthenticator.js';

export interface DaemonServerOptions {
  port: number;
  listenIpv6?: boolean;
  policy: ExtensionPolicy;
  /**
   * Opened in the background while the server starts listening: an upgrade's proof and every
   * request wait for it, and a device side that failed to open answers each with its error.
   */
  side: Promise<Pick<DeviceSide, 'pairings' | 'authenticator'>>;
  queue: ProtectQueue;
  logger: Logger;
  audit?: AuditLog;
  clock?: () => Date;
  heartbeatMs?: number;
  /** Connections whose upgrade proved a pairing (decision 0040). */
  maxConnections?: number;
  /** Connections without a proof (they may only ask to pair by Protect prompt); the oldest is evicted. */
  maxUnauthenticated?: number;
  connection?: Pick<ConnectionDeps, 'maxPending' | 'messagesPerSecond' | 'helloTimeoutMs'>;
}

export interface DaemonServer {
  port: number;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  503: 'Service Unavailable',
};

/** Starts listening; resolves once every address is bound. */
export async function createDaemonServer(options: DaemonServerOptions): Promise<DaemonServer> {
  const { logger } = options;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    clientTracking: true,
    perMessageDeflate: false,
    // The extension offers `keybound.v1` plus its proof; the browser requires one offer chosen back.
    handleProtocols: (offered) => (offered.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
  });
  const upgradeAuth = new UpgradeAuthenticator(options.side, () => (options.clock?.() ?? new Date()).getTime());
  const promptGate = new PromptPairingGate();
  /** Two pools: a hostile crowd without proofs can never crowd out a paired extension. */
  const authenticated = new Set<WebSocket>();
  const strangers: WebSocket[] = [];
  const maxStrangers = options.maxUnauthenticated ?? 16;
  const alive = new WeakMap<WebSocket, boolean>();
  let port = options.port;

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const host = checkHost(req, port);
    if (!host.ok) {
      logger.warn({ event: 'http.refused', code: 'ERR_BAD_HOST' }, host.reason);
      res.writeHead(403, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' }).end('Forbidden\n');
      return;
    }
    if ((req.url ?? '').startsWith('/protect/')) {
      handleProtectHttp(req, res, { queue: options.queue, host: host.host, logger }).catch((err: unknown) => {
        logger.error({ event: 'http.failed', code: 'ERR_INTERNAL', err }, 'Protect page failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    res
      .writeHead(404, {
        'Content-Type': 'text/plain',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      })
      .end('Not found\n');
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const decision = authorizeUpgrade(req, { port, allowedExtensionIds: options.policy.allowedExtensionIds });
    if (!decision.ok) {
      logger.warn({ event: 'upgrade.refused', code: decision.code, status: decision.status }, decision.reason);
      return refuseUpgrade(socket, decision.status);
    }
    upgradeAuth.check(req.headers['sec-websocket-protocol'], decision.extensionOrigin).then(
      (auth) => {
        if (socket.destroyed) return;
        if (auth.kind === 'refused') {
          logger.warn({ event: 'upgrade.refused', code: 'ERR_PAIRING_PROOF_INVALID', status: 401 }, auth.reason);
          options.audit?.record('auth.failed', { extensionOrigin: decision.extensionOrigin, reason: auth.reason });
          return refuseUpgrade(socket, 401);
        }
        if (auth.kind === 'ok' && authenticated.size >= (options.maxConnections ?? 128)) {
          logger.warn({ event: 'upgrade.refused', code: 'ERR_TOO_MANY_PENDING', status: 503 }, 'too many connections');
          return refuseUpgrade(socket, 503);
        }
        if (auth.kind === 'none' && strangers.length >= maxStrangers) {
          logger.warn(
            { event: 'connection.evicted', code: 'ERR_TOO_MANY_PENDING' },
            'oldest unauthenticated connection evicted',
          );
          strangers.shift()?.terminate();
        }
        accept(req, socket, head, decision, auth.kind === 'ok' ? auth.installId : undefined);
      },
      (err: unknown) => {
        logger.error({ event: 'upgrade.failed', code: 'ERR_INTERNAL', err }, 'upgrade check failed');
        refuseUpgrade(socket, 503);
      },
    );
  };

  const accept = (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    decision: Extract<ReturnType<typeof authorizeUpgrade>, { ok: true }>,
    upgradeInstallId: string | undefined,
  ) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
      const pool = upgradeInstallId === undefined ? 'unauthenticated' : 'authenticated';
      if (upgradeInstallId === undefined) strangers.push(ws);
      else authenticated.add(ws);
      ws.once('close', () => {
        authenticated.delete(ws);
        const i = strangers.indexOf(ws);
        if (i >= 0) strangers.splice(i, 1);
      });
      logger.info(
        { event: 'connection.opened', extensionOrigin: decision.extensionOrigin, pool },
        'extension connected',
      );
      handleConnection(ws, {
        ...options.connection,
        extensionOrigin: decision.extensionOrigin,
        originBrowser: decision.browser,
        // Pre-authorisation means "may pair through native messaging without a prompt"; a
        // WebSocket names its extension only by a forgeable Origin, so it never pairs silently.
        preauthorized: false,
        ...(upgradeInstallId !== undefined ? { upgradeInstallId } : {}),
        promptGate,
        side: options.side,
        verifier: options.queue,
        logger,
        ...(options.audit ? { audit: options.audit } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      });
    });
  };

  const hosts = options.listenIpv6 ? ['127.0.0.1', '::1'] : ['127.0.0.1'];
  const servers = await listenOnLoopback(hosts, port, onRequest, onUpgrade, (bound) => {
    port = bound;
  });

  // Heartbeat: a peer that missed a whole interval of pings is gone; free its pending requests.
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();

  return {
    port,
    async close() {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.close(1001, 'daemon stopping');
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

/**
 * One node:http server per loopback address, on one port (the first bind picks it when `port` is
 * 0; `bound` learns it at once, since Host checks need it). If a later address cannot be bound,
 * the servers already listening are closed before the error propagates.
 */
async function listenOnLoopback(
  hosts: string[],
  port: number,
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
  onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
  bound: (port: number) => void,
): Promise<Server[]> {
  const servers: Server[] = [];
  try {
    for (const host of hosts) {
      const server = createServer(
        { requestTimeout: 30_000, headersTimeout: 10_000, maxHeaderSize: 16 * 1024 },
        onRequest,
      );
      server.on('upgrade', onUpgrade);
      server.on('clientError', (_err, socket) => socket.destroy());
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port, exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      servers.push(server);
      port = (server.address() as AddressInfo).port;
      bound(port);
    }
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    throw err;
  }
  return servers;
}

function refuseUpgrade(socket: Duplex, status: number): void {
  // Like ws's own abortHandshake: flush the status line, then drop the socket; no WebSocket is opened.
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
