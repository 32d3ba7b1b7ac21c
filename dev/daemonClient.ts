/**
 * A test client that behaves like the extension's service worker towards the daemon: it opens
 * the WebSocket with an extension Origin, says hello, pairs (real ECDH pairing crypto) or proves
 * its pairing secret, then sends requests with ids and collects results and events.
 */
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { controlCall } from '../daemon/src/control/controlClient.js';
import {
  computePairingProof,
  computeUpgradeProof,
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
  WS_SUBPROTOCOL,
} from '../shared/protocol/index.js';
import { fromBase64url } from '../shared/webauthn/base64url.js';
import { within } from './within.js';

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
  private readonly waiting = new Map<string, { resolve: (r: RawResult) => void; reject: (e: Error) => void }>();
  private readonly eventWaiters: {
    pred: (e: Event) => boolean;
    resolve: (e: Event) => void;
    reject: (e: Error) => void;
  }[] = [];
  private closeInfo: { code: number; reason: string } | undefined;
  private next = 0;

  private constructor(
    readonly ws: WebSocket,
    readonly origin: string,
  ) {
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        // Nothing more will arrive: whoever still waits fails now, with the close code, instead of hanging.
        const why = new Error(`the daemon closed the connection (${code} ${this.closeInfo.reason}) before answering`);
        for (const w of this.waiting.values()) w.reject(why);
        this.waiting.clear();
        for (const w of this.eventWaiters.splice(0)) w.reject(why);
        resolve(this.closeInfo);
      }),
    );
    ws.on('error', () => {});
    ws.on('message', (data: Buffer) => {
      const parsed = parseMessage(daemonMessage, data);
      if (!parsed.ok) throw new Error(`daemon sent an invalid message: ${parsed.error.message}`);
      const msg = parsed.value;
      this.received.push(msg);
      if (msg.type === 'result') {
        const waiter = this.waiting.get(msg.id);
        this.waiting.delete(msg.id);
        waiter?.resolve(msg.ok ? { ok: true, result: msg.result } : { ok: false, error: msg.error });
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
  static connect(url: string, origin = TEST_EXTENSION_ORIGIN, protocols: string[] = []): Promise<DaemonClient> {
    const ws = new WebSocket(`${url}/v1`, protocols, { origin });
    const opened = new Promise<DaemonClient>((resolve, reject) => {
      ws.once('open', () => resolve(new DaemonClient(ws, origin)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    return within(opened, `the WebSocket to ${url} to open`).catch((err: Error) => {
      ws.terminate();
      throw err;
    });
  }

  /** Sends a request and waits (bounded) for its result (ok or error). */
  request(type: RequestType, payload: Record<string, unknown> = {}, id = `r${++this.next}`): Promise<RawResult> {
    return this.awaitAnswer(id, JSON.stringify({ type, id, ...payload }), `the answer to "${type}" (${id})`);
  }

  /** Sends `text` and waits for the result carrying `id`; fails when the socket closes or nothing comes. */
  private awaitAnswer(id: string, text: string | Buffer, what: string): Promise<RawResult> {
    if (this.closeInfo) {
      return Promise.reject(
        new Error(`the connection is already closed (${this.closeInfo.code}); cannot wait for ${what}`),
      );
    }
    const answer = new Promise<RawResult>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.ws.send(text);
    });
    const bounded = within(answer, what).finally(() => this.waiting.delete(id));
    // Some attack tests fire requests and never read them (`void client.request(…)`): their
    // failure at close is expected, not an unhandled rejection. Callers that await still see it.
    bounded.catch(() => {});
    return bounded;
  }

  /** Sends a request and returns its result; throws when the daemon answered with an error. */
  async call<T extends RequestType>(type: T, payload: Record<string, unknown> = {}): Promise<ResultOf<T>> {
    const r = await this.request(type, payload);
    if (!r.ok) throw Object.assign(new Error(`${r.error.code}: ${r.error.message}`), { code: r.error.code });
    return r.result as ResultOf<T>;
  }

  /** Sends raw text (attack tests) and waits for the answer carrying `id` (or '-'). */
  sendRaw(text: string | Buffer, id = '-'): Promise<RawResult> {
    return this.awaitAnswer(id, text, `the answer with id "${id}" to a raw message`);
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

  /** Resolves with the first event (already received or future) matching `pred`; bounded. */
  waitForEvent(pred: (e: Event) => boolean, what = 'a matching daemon event'): Promise<Event> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    if (this.closeInfo) return Promise.reject(new Error(`the connection is closed; no ${what} will come`));
    const waiter = { pred, resolve: (_e: Event) => {}, reject: (_e: Error) => {} };
    const event = new Promise<Event>((resolve, reject) => {
      Object.assign(waiter, { resolve, reject });
      this.eventWaiters.push(waiter);
    });
    return within(event, what).finally(() => {
      const i = this.eventWaiters.indexOf(waiter);
      if (i >= 0) this.eventWaiters.splice(i, 1);
    });
  }

  /** The close code the daemon (or we) ended the connection with; bounded. */
  closedWithin(what = 'the daemon to close the connection'): Promise<{ code: number; reason: string }> {
    return within(this.closed, what);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await within(this.closed, 'the connection to close').catch(() => this.ws.terminate());
  }
}

/** The subprotocols the extension offers: `keybound.v1` and its upgrade proof (decision 0040). */
export async function upgradeProtocols(install: TestInstall, origin = TEST_EXTENSION_ORIGIN): Promise<string[]> {
  if (!install.secret) throw new Error('upgradeProtocols: the install is not paired');
  const proof = await computeUpgradeProof({
    secret: install.secret,
    installId: install.installId,
    extensionOrigin: origin,
  });
  return [WS_SUBPROTOCOL, proof];
}

/** Pairs `install` as the native host would: over the control socket, for a browser-vouched origin. */
export async function pairNatively(
  dataDir: string,
  install: TestInstall,
  origin = TEST_EXTENSION_ORIGIN,
): Promise<void> {
  const r = (await controlCall(dataDir, {
    op: 'native.pair',
    extensionOrigin: origin,
    installId: install.installId,
  })) as {
    secret: string;
  };
  install.secret = fromBase64url(r.secret);
}

/**
 * Connects `install` ready for requests. Given `{ url, dataDir }` it behaves like the extension:
 * pairs through the control socket (as the native host does) when needed, then authenticates at
 * the upgrade. Given only a URL it uses the WebSocket handshake (hello → pair by Protect prompt,
 * auto-approved under `--uv auto`, or hello → auth).
 */
export async function connectPaired(
  daemon: string | { url: string; dataDir: string },
  install: TestInstall,
  origin = TEST_EXTENSION_ORIGIN,
): Promise<DaemonClient> {
  if (typeof daemon !== 'string') {
    if (!install.secret) await pairNatively(daemon.dataDir, install, origin);
    const client = await DaemonClient.connect(daemon.url, origin, await upgradeProtocols(install, origin));
    const hello = await client.hello(install);
    if (!hello.authenticated) throw new Error('the upgrade proof did not authenticate');
    return client;
  }
  const url = daemon;
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

/**
 * Starts a pairing as the native host does when Protect must approve it: `prompt` resolves with the
 * approval URL (sent to the host only), `pairing` with the result or the error.
 */
export function startNativePairing(
  dataDir: string,
  install: TestInstall,
  origin = TEST_EXTENSION_ORIGIN,
): { prompt: Promise<{ protectId: string; url: string }>; pairing: Promise<unknown> } {
  let seen!: (e: { protectId: string; url: string }) => void;
  const prompt = new Promise<{ protectId: string; url: string }>((r) => {
    seen = r;
  });
  const pairing = controlCall(
    dataDir,
    { op: 'native.pair', extensionOrigin: origin, installId: install.installId },
    120_000,
    (e) => seen({ protectId: new URL(e.url).pathname.split('/')[2] as string, url: e.url }),
  ).then(
    (r) => {
      install.secret = fromBase64url((r as { secret: string }).secret);
      return r;
    },
    (err: unknown) => err,
  );
  return { prompt, pairing };
}

/** The approval URL of a request raised on an upgrade-authenticated connection, fetched as its native host would. */
export async function approvalUrlOf(
  dataDir: string,
  protectId: string,
  origin = TEST_EXTENSION_ORIGIN,
): Promise<string> {
  const r = (await controlCall(dataDir, { op: 'protect.url', protectId, extensionOrigin: origin })) as { url: string };
  return r.url;
}
