/**
 * The relay floor of DESIGN.md: one bare WebSocket echo round trip on loopback plus one raw
 * P-256 signature, measured in the same run as the relay so the ratio is fair on a noisy machine.
 *
 * The signature is WebCrypto's `subtle.sign` (the floor the target was set against). The daemon
 * signs with node:crypto's synchronous `sign` on the same kind of CryptoKey (FileKeyStore), which
 * is faster, so a like-for-like floor with that signer is measured too: the daemon's own overhead
 * is the relay against it.
 */
import { type KeyObject, sign as nodeSign } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { type Summary, timeSequential } from '../lib/stats.js';

/** Measures echo+sign round trips with a message of `payloadBytes`, like a sign-in request. */
export async function measureFloor(
  n: number,
  payloadBytes: number,
): Promise<{ floor: Summary; echo: Summary; sign: Summary; floorSync: Summary; signSync: Summary }> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, maxPayload: 64 * 1024 });
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(data)));
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const port = (http.address() as AddressInfo).port;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  await once(ws, 'open');

  const key = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
  ])) as CryptoKeyPair;
  const payload = JSON.stringify({ type: 'signIn', id: 'x', pad: 'a'.repeat(payloadBytes) });
  const data = new Uint8Array(37 + 32);

  const echoOnce = () =>
    new Promise<void>((resolve) => {
      ws.once('message', () => resolve());
      ws.send(payload);
    });
  const signOnce = () => crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, data);
  const signSyncOnce = async () =>
    nodeSign('sha256', data, { key: key.privateKey as unknown as KeyObject, dsaEncoding: 'ieee-p1363' });

  try {
    const floor = await timeSequential(async () => {
      await echoOnce();
      await signOnce();
    }, n);
    const floorSync = await timeSequential(async () => {
      await echoOnce();
      await signSyncOnce();
    }, n);
    const echo = await timeSequential(echoOnce, n);
    const sign = await timeSequential(signOnce, n);
    const signSync = await timeSequential(signSyncOnce, n);
    return { floor, echo, sign, floorSync, signSync };
  } finally {
    ws.close();
    wss.close();
    http.close();
  }
}
