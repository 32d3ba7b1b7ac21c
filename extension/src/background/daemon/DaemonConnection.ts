/**
 * One WebSocket to the daemon: numbered requests, a timeout per request, and every inbound frame
 * checked in the fixed order (size → JSON.parse → `daemonMessage` → the request type's result
 * schema) before anyone sees it. Invalid frames are logged and dropped; nothing throws out.
 */
import type { WireError } from '../../../../shared/errors.js';
import {
  daemonMessage,
  type PayloadOf,
  type ProtectDoneEvent,
  type ProtectRequestEvent,
  type RequestType,
  type ResultOf,
  resultSchemas,
} from '../../../../shared/protocol/messages.js';
import { parseMessage } from '../../../../shared/protocol/parseMessage.js';

export type Outcome<T> = { ok: true; result: T } | { ok: false; error: WireError };
export type DaemonEvent = ProtectRequestEvent | ProtectDoneEvent;

/** The parts of the WHATWG WebSocket we use (the browser's, or `ws` in Node tests). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export type Log = (event: string, fields: Record<string, string | number | boolean | undefined>) => void;

interface Pending {
  type: RequestType;
  resolve: (outcome: Outcome<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1;
let counter = 0;

/** A fresh request id: unique per worker lifetime, and random so ids never repeat across wake-ups. */
export function nextRequestId(): string {
  counter = (counter + 1) % 1_000_000;
  const random = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');
  return `x${counter}-${random}`;
}

export class DaemonConnection {
  private readonly pending = new Map<string, Pending>();
  onEvent: (event: DaemonEvent) => void = () => {};
  onClose: () => void = () => {};

  private constructor(
    private readonly socket: WebSocketLike,
    private readonly log: Log,
  ) {
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = () => this.closed();
    socket.onerror = () => log('daemon.socket_error', { code: 'ERR_DAEMON_UNAVAILABLE' });
  }

  /** Opens the socket; rejects with a coded error if it does not open within `timeoutMs`. */
  static open(socket: WebSocketLike, log: Log, timeoutMs: number): Promise<DaemonConnection> {
    return new Promise((resolve, reject) => {
      const fail = () => {
        clearTimeout(timer);
        socket.onopen = socket.onclose = socket.onerror = null;
        try {
          socket.close();
        } catch {
          // already closed
        }
        reject(
          Object.assign(new Error('The daemon did not accept the connection'), { code: 'ERR_DAEMON_UNAVAILABLE' }),
        );
      };
      const timer = setTimeout(fail, timeoutMs);
      socket.onerror = fail;
      socket.onclose = fail;
      socket.onopen = () => {
        clearTimeout(timer);
        socket.onopen = null;
        resolve(new DaemonConnection(socket, log));
      };
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === OPEN;
  }

  /** Requests still waiting for an answer, pings excluded. */
  get busy(): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.type !== 'ping') n++;
    return n;
  }

  /** Sends one request and resolves with its validated result or a coded error (never rejects). */
  request<T extends RequestType>(
    type: T,
    payload: PayloadOf<T>,
    timeoutMs: number,
    onId?: (id: string) => void,
  ): Promise<Outcome<ResultOf<T>>> {
    const id = nextRequestId();
    onId?.(id);
    return new Promise((resolve) => {
      if (!this.isOpen) {
        resolve({
          ok: false,
          error: { code: 'ERR_DAEMON_UNAVAILABLE', message: 'The connection to the daemon is closed.' },
        });
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.log('daemon.timeout', { code: 'ERR_TIMEOUT', type });
        resolve({ ok: false, error: { code: 'ERR_TIMEOUT', message: `The daemon did not answer "${type}" in time.` } });
      }, timeoutMs);
      this.pending.set(id, { type, resolve: resolve as (o: Outcome<unknown>) => void, timer });
      this.socket.send(JSON.stringify({ ...payload, type, id }));
    });
  }

  close(): void {
    try {
      this.socket.close(1000, 'bye');
    } catch {
      // already closed
    }
    this.closed();
  }

  private receive(data: unknown): void {
    const raw = typeof data === 'string' ? data : data instanceof ArrayBuffer ? data : undefined;
    if (raw === undefined) {
      this.log('daemon.drop', { code: 'ERR_INVALID_MESSAGE' });
      return;
    }
    const parsed = parseMessage(daemonMessage, raw);
    if (!parsed.ok) {
      this.log('daemon.drop', { code: parsed.error.code });
      return;
    }
    const message = parsed.value;
    if (message.type === 'event') {
      this.onEvent(message);
      return;
    }
    const entry = this.pending.get(message.id);
    if (!entry) {
      this.log('daemon.drop', { code: message.ok ? 'ERR_INVALID_MESSAGE' : message.error.code });
      return;
    }
    this.pending.delete(message.id);
    clearTimeout(entry.timer);
    if (!message.ok) {
      entry.resolve({ ok: false, error: message.error });
      return;
    }
    const result = resultSchemas[entry.type].safeParse(message.result);
    if (!result.success) {
      this.log('daemon.drop', { code: 'ERR_INVALID_MESSAGE', type: entry.type });
      entry.resolve({
        ok: false,
        error: { code: 'ERR_INVALID_MESSAGE', message: 'The daemon sent an invalid answer.' },
      });
      return;
    }
    entry.resolve({ ok: true, result: result.data });
  }

  private closed(): void {
    this.socket.onmessage = this.socket.onclose = this.socket.onerror = null;
    for (const [id, entry] of this.pending) {
      clearTimeout(entry.timer);
      this.pending.delete(id);
      entry.resolve({
        ok: false,
        error: { code: 'ERR_DAEMON_UNAVAILABLE', message: 'The connection to the daemon closed.' },
      });
    }
    this.onClose();
    this.onClose = () => {};
  }
}
