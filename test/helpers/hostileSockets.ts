/**
 * A hostile local process (issue 8): keeps `total` sockets going against the daemon's port with
 * a forged `Origin: chrome-extension://<the real id>` and no valid proof, re-opening each one the
 * daemon closes, as an attacker would. Run as its own process (its file descriptors are its own):
 *
 *   node --import tsx test/helpers/hostileSockets.ts <port> <extensionOrigin> [total]
 *
 * Mix: 60% half-open upgrades (headers never finished), 24% silent TCP connections, 10% complete
 * upgrades without a proof (they land in the daemon's small unauthenticated pool and get evicted),
 * 6% upgrades with a forged proof (refused, 401). Prints one JSON line a second:
 * `{ held, opened, closedByDaemon }`; exits when stdin closes.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const [portArg, origin, totalArg] = process.argv.slice(2);
const port = Number(portArg);
const total = Number(totalArg ?? 600);
if (!(port > 0) || !origin) throw new TypeError('usage: hostileSockets.ts <port> <extensionOrigin> [total]');

type Kind = 'half-open' | 'silent' | 'unauthenticated' | 'forged-proof';
const stats = { held: 0, opened: 0, closedByDaemon: 0 };
let stopping = false;

function upgradeHead(extra: string): string {
  return (
    `GET /v1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${origin}\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n${extra}`
  );
}

function open(kind: Kind): void {
  if (stopping) return;
  const socket: Socket = connect({ host: '127.0.0.1', port });
  let connected = false;
  socket.setNoDelay(true);
  socket.on('connect', () => {
    connected = true;
    stats.held++;
    stats.opened++;
    if (kind === 'half-open') socket.write(upgradeHead('Sec-WebSocket-Protocol: keybound.v1\r\n')); // no blank line: never ends
    if (kind === 'unauthenticated') socket.write(`${upgradeHead('Sec-WebSocket-Protocol: keybound.v1\r\n')}\r\n`);
    if (kind === 'forged-proof') {
      const proof = `kbauth.${randomBytes(18).toString('base64url')}.${Math.floor(Date.now() / 1000)}.${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
      socket.write(`${upgradeHead(`Sec-WebSocket-Protocol: keybound.v1, ${proof}\r\n`)}\r\n`);
    }
  });
  socket.on('data', () => {}); // read and ignore whatever the daemon answers
  socket.on('error', () => {});
  socket.on('close', () => {
    if (connected) {
      stats.held--;
      stats.closedByDaemon++;
    }
    // An attacker comes straight back; refused kinds after a second, so the load stays an attack, not a benchmark.
    setTimeout(() => open(kind), kind === 'half-open' || kind === 'silent' ? 100 : 1_000);
  });
}

const plan: [Kind, number][] = [
  ['half-open', Math.round(total * 0.6)],
  ['silent', Math.round(total * 0.24)],
  ['unauthenticated', Math.round(total * 0.1)],
];
plan.push(['forged-proof', total - plan.reduce((n, [, c]) => n + c, 0)]);
for (const [kind, count] of plan) for (let i = 0; i < count; i++) open(kind);

const report = setInterval(() => process.stdout.write(`${JSON.stringify(stats)}\n`), 1_000);
process.stdin.resume();
process.stdin.on('end', () => {
  stopping = true;
  clearInterval(report);
  process.exit(0);
});
