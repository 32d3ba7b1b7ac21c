/**
 * A test client that behaves like the extension's service worker towards the daemon: it opens
 * the WebSocket with an extension Origin, says hello, pairs (real ECDH pairing crypto) or proves
 * its pairing secret, then sends requests with ids and collects results and events.
 */
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import {
  computePairingProof,
  createPairingKeyPair,
  type DaemonMessage,
  daemonMessage,
  derivePairingSecret,
  PROTOCOL_VERSION,
  type ProtectDoneEvent,
  type ProtectRequestEvent,
  parseMessage,
  type RequestType,
  type ResultOf,
} from '../../shared/protocol/index.js';

export const TEST_EXTENSION_ID = 'kbkbkbkbkbkbkbkbkbkbkbkbkbkbkbkb';
export const TEST_EXTENSION_ORIGIN = `chrome-extension://${TEST_EXTENSION_ID}`;

export type RawResult = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };
type Event = ProtectRequestEvent | ProtectDoneEvent;

/** The pairing of one fake extension install, kept across connections. */
export interface TestInstall {
  installId: string;
  secret?: Uint8Array<ArrayBuffer>;
}

export function newInstall(): TestInstall {
  return { installId: randomBytes(18).toString('base64url') };
}

export class DaemonClient {
  readonly events: Event[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Everything the daemon sent, parsed. */
  readonly received: DaemonMessage[] = [];
  nonce: string | undefined;
  private readonly waiting = new Map<string, (r: RawResult) => void>();
  private readonly eventWaiters: { pred: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];
  private next = 0;

  private constructor(
    readonly ws: WebSocket,
    readonly origin: string,
  ) {
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on('error', () => {});
    ws.on('message', (data: Buffer) => {
      const parsed = parseMessage(daemonMessage, data);
      if (!parsed.ok) throw new Error(`daemon sent an invalid message: ${parsed.error.message}`);
      const msg = parsed.value;
      this.received.push(msg);
      if (msg.type === 'result') {
        const resolve = this.waiting.get(msg.id);
        this.waiting.delete(msg.id);
        resolve?.(msg.ok ? { ok: true, result: msg.result } : { ok: false, error: msg.error });
        return;
      }
      this.events.push(msg);
      for (const w of [...this.eventWaiters]) {
        if (w.pred(msg)) {
          this.eventWaiters.splice(this.eventWaiters.indexOf(w), 1);
          w.resolve(msg);
        }
      }
    });
  }

  /** Opens a WebSocket to `url` (ws://127.0.0.1:PORT) with an extension Origin. */
  static connect(url: string, origin = TEST_EXTENSION_ORIGIN): Promise<DaemonClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url}/v1`, { origin });
      ws.once('open', () => resolve(new DaemonClient(ws, origin)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Sends a request and waits for its result (ok or error). */
  request(type: RequestType, payload: Record<string, unknown> = {}, id = `r${++this.next}`): Promise<RawResult> {
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ type, id, ...payload }));
    });
  }

  /** Sends a request and returns its result; throws when the daemon answered with an error. */
  async call<T extends RequestType>(type: T, payload: Record<string, unknown> = {}): Promise<ResultOf<T>> {
    const r = await this.request(type, payload);
    if (!r.ok) throw Object.assign(new Error(`${r.error.code}: ${r.error.message}`), { code: r.error.code });
    return r.result as ResultOf<T>;
  }

  /** Sends raw text (attack tests) and waits for the answer carrying `id` (or '-'). */
  sendRaw(text: string | Buffer, id = '-'): Promise<RawResult> {
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(text);
    });
  }

  async hello(install: TestInstall, versions: number[] = [PROTOCOL_VERSION]): Promise<ResultOf<'hello'>> {
    const r = await this.call('hello', {
      versions,
      installId: install.installId,
      client: { browser: 'chrome', extensionVersion: '0.1.0' },
    });
    this.nonce = r.nonce;
    return r;
  }

  /** Pairs `install` (hello must have been sent); stores the derived secret in `install`. */
  async pair(install: TestInstall): Promise<ResultOf<'pair'>> {
    const { keyPair, publicKey } = await createPairingKeyPair();
    const r = await this.call('pair', { publicKey });
    install.secret = await derivePairingSecret({
      privateKey: keyPair.privateKey,
      peerPublicKey: r.publicKey,
      nonce: this.nonce!,
      installId: install.installId,
      extensionOrigin: this.origin,
    });
    return r;
  }

  /** The proof for this connection's nonce. */
  proof(install: TestInstall): Promise<string> {
    return computePairingProof({
      secret: install.secret!,
      nonce: this.nonce!,
      installId: install.installId,
      extensionOrigin: this.origin,
    });
  }

  async auth(install: TestInstall): Promise<RawResult> {
    return this.request('auth', { proof: await this.proof(install) });
  }

  /** Resolves with the first event (already received or future) matching `pred`. */
  waitForEvent(pred: (e: Event) => boolean): Promise<Event> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.eventWaiters.push({ pred, resolve }));
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await this.closed;
  }
}

/** Connects, says hello and pairs or authenticates `install`, ready for requests. */
export async function connectPaired(
  url: string,
  install: TestInstall,
  origin = TEST_EXTENSION_ORIGIN,
): Promise<DaemonClient> {
  const client = await DaemonClient.connect(url, origin);
  const hello = await client.hello(install);
  if (install.secret) {
    // A test install that paired before must still be paired: never re-pair silently.
    if (!hello.paired) throw new Error('the daemon forgot this pairing');
    const r = await client.auth(install);
    if (!r.ok) throw new Error(`auth failed: ${r.error.code}`);
  } else {
    await client.pair(install);
  }
  return client;
}
