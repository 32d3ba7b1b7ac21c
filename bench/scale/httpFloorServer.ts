/**
 * The floor under the portal's sign-in cost, run as its own process by measureHttpFloor.ts: a bare
 * node:http server that answers the five requests of one device sign-in with bodies of the
 * portal's sizes and does the one thing no portal can skip, a P-256 signature verification
 * (synchronous node:crypto) on the last request. No framework, no store, no sessions. Prints
 * `listening <port>` when ready.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const page = `<!doctype html><html><head><title>Sign in</title></head><body>${'x'.repeat(3000)}</body></html>`;
const options = JSON.stringify({ options: { challenge: 'c'.repeat(43), rpId: 'localhost', allowCredentials: [] } });
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const data = Buffer.alloc(300, 1);
const signature = sign('sha256', data, privateKey);

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const cookie = 'kb_session=0123456789012345678901234567890123456789012; Path=/; HttpOnly; SameSite=Lax';
    if (req.method === 'GET') {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'set-cookie': cookie,
      });
      res.end(page);
    } else if (req.url === '/signin') {
      res.writeHead(303, { location: '/signin/continue', 'set-cookie': cookie });
      res.end();
    } else if (req.url?.endsWith('/options')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(options);
    } else {
      const ok = verify('sha256', data, publicKey, signature);
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json', 'set-cookie': cookie });
      res.end(JSON.stringify({ ok, next: '/' }));
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
