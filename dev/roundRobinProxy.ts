/**
 * A small load balancer for tests of several portal instances: every request goes to the next
 * backend in turn (round robin, no stickiness), or to one pinned backend. Each request gets a new
 * connection to its backend (no keep-alive), so a killed instance is noticed at the next request:
 * a refused connection means the request never reached it, and it is sent to the next backend, as
 * a real load balancer's passive health check does. The proxy passes the Host header through, so
 * every instance sees the public origin (`--issuer`), and records which backend served each
 * request so a test can prove where its steps landed.
 */
import { Agent, createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Request header naming the backend index for this one request. */
export const BACKEND_HEADER = 'x-test-backend';

export interface ProxiedRequest {
  method: string;
  path: string;
  /** Index of the backend that answered (or -1 when none could). */
  backend: number;
  status: number;
}

export interface RoundRobinProxy {
  readonly port: number;
  /** Requests so far, in order of arrival. */
  readonly log: ProxiedRequest[];
  /** Send every request to backend `index` (undefined: round robin again). */
  pin(index: number | undefined): void;
  /** Points backend `index` at another port (an instance restarted on a new port). */
  setBackend(index: number, port: number): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Forwards once; resolves false when the backend refused the connection (nothing was sent). */
function forward(
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
  port: number,
  agent: Agent | false,
): Promise<number | false> {
  return new Promise((resolve) => {
    const upstream = request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.url,
        headers: agent ? req.headers : { ...req.headers, connection: 'close' },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
        answer.on('end', () => resolve(answer.statusCode ?? 502));
        answer.on('error', () => {
          res.destroy();
          resolve(502);
        });
      },
    );
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      // Refused: nothing was sent. Reset on a kept-alive socket the backend had just closed: the
      // request was not read (Node's documented keep-alive race). Either way: the next backend.
      if (err.code === 'ECONNREFUSED' || (upstream.reusedSocket && err.code === 'ECONNRESET' && !res.headersSent)) {
        resolve(false);
        return;
      }
      // The instance died with the request in flight: like a real balancer, answer 502.
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`backend failed: ${err.code}`);
      else res.destroy();
      resolve(502);
    });
    upstream.end(body);
  });
}

/**
 * Starts the proxy on 127.0.0.1 and a free port, in front of the backends' ports. `keepAlive`
 * (benches) reuses connections to the backends, as a production balancer does; tests leave it off
 * so that a killed backend shows up as a refused connection at the next request.
 */
export async function startRoundRobinProxy(
  backendPorts: number[],
  options: { keepAlive?: boolean } = {},
): Promise<RoundRobinProxy> {
  const agent = options.keepAlive ? new Agent({ keepAlive: true, maxSockets: 64 }) : false;
  const ports = [...backendPorts];
  const log: ProxiedRequest[] = [];
  let next = 0;
  let pinned: number | undefined;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const entry: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', backend: -1, status: 502 };
      log.push(entry);
      // A test can send one request to a chosen backend (two at once, for races): the header is
      // the proxy's own and is not forwarded.
      const asked = req.headers[BACKEND_HEADER];
      delete req.headers[BACKEND_HEADER];
      const chosen = typeof asked === 'string' ? Number(asked) : pinned;
      const order = chosen !== undefined ? [chosen] : ports.map((_p, i) => (next + i) % ports.length);
      if (chosen === undefined) next = (next + 1) % ports.length;
      for (const index of order) {
        const status = await forward(req, body, res, ports[index] as number, agent);
        if (status === false) continue;
        entry.backend = index;
        entry.status = status;
        return;
      }
      res.writeHead(502, { 'content-type': 'text/plain' }).end('no backend is reachable');
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    log,
    pin(index) {
      pinned = index;
    },
    setBackend(index, port) {
      ports[index] = port;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (agent) agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
