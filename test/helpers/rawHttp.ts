/**
 * Hand-written HTTP over node:net, for attack tests that must control every header (Host,
 * Origin, duplicates) and see exactly what the daemon answers before any WebSocket exists.
 */
import { connect } from 'node:net';
import { HELPER_WAIT_MS } from '../../dev/within.js';

/** Sends `request` verbatim to host:port (127.0.0.1 by default) and resolves with everything read until close (bounded). */
export function rawRequest(port: number, request: string, maxBytes = 64 * 1024, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let out = '';
    socket.setEncoding('latin1');
    socket.setTimeout(HELPER_WAIT_MS, () =>
      socket.destroy(new Error(`no answer from 127.0.0.1:${port} within ${HELPER_WAIT_MS} ms`)),
    );
    socket.on('data', (d: string) => {
      out += d;
      // A 101 means a WebSocket opened: stop reading, the test will fail on the status anyway.
      if (out.length > maxBytes || out.startsWith('HTTP/1.1 101')) socket.destroy();
    });
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    socket.write(request);
  });
}

/** A WebSocket upgrade request with exactly the given extra header lines. */
export function upgradeRequest(headers: string[], path = '/v1'): string {
  return [
    `GET ${path} HTTP/1.1`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ...headers,
    '',
    '',
  ].join('\r\n');
}

/** The status code of a raw HTTP response. */
export function statusOf(response: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
}

/** A plain HTTP request with explicit headers (Host and Origin included), via node:http. */
export function httpRequest(
  port: number,
  args: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: import('node:http').IncomingHttpHeaders; body: string }> {
  return import('node:http').then(
    ({ request }) =>
      new Promise((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method: args.method ?? 'GET',
            path: args.path,
            headers: { host: `127.0.0.1:${port}`, connection: 'close', ...args.headers },
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => {
              body += d;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          },
        );
        req.setTimeout(HELPER_WAIT_MS, () =>
          req.destroy(new Error(`no answer to ${args.path} within ${HELPER_WAIT_MS} ms`)),
        );
        req.on('error', reject);
        req.end(args.body);
      }),
  );
}
