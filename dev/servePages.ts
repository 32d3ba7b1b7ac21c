/**
 * A tiny static HTTP server on 127.0.0.1, port 0, for browser tests: it serves whatever HTML the
 * test gives per path. Reachable as `http://127.0.0.1:<port>` and `http://localhost:<port>`, two
 * different origins on one server (handy for "configured" versus "not configured" pages).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PageServer {
  port: number;
  /** `http://localhost:<port>` */
  localhostOrigin: string;
  /** `http://127.0.0.1:<port>` */
  loopbackOrigin: string;
  close(): Promise<void>;
}

/** Serves `pages[path]` as HTML; anything else is a 404. */
export async function servePages(pages: Record<string, string>): Promise<PageServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const html = pages[path];
    if (html === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    localhostOrigin: `http://localhost:${port}`,
    loopbackOrigin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
