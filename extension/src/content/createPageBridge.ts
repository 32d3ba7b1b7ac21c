/**
 * The page ⇄ content bridge (shared/protocol/pageApi.ts). Accepts `window.postMessage` requests
 * only from this window and this origin, each with exactly one MessageChannel port, and handles
 * them in a fixed order: sender → envelope (size, `keybound`, `type`, plain-object `payload`:
 * checkPageEnvelope.ts) → relay to the worker with the content script's own `location.origin`
 * → answer `{ ok, result | error }` on the port. The strict page schema runs in the worker
 * (docs/decisions/0034-…). Never throws on page input.
 *
 * Pure over its dependencies (window, origin, forward) so tests drive it without a browser.
 */
import type { WireError } from '../../../shared/errors.js';
import { checkPageEnvelope, PAGE_API_VERSION, type UntrustedPageRequest } from './checkPageEnvelope.js';

/** What a page may put in a message event: nothing here is trusted until checked. */
export interface UntrustedMessageEvent {
  source: unknown;
  origin: string;
  data: unknown;
  ports: readonly PortLike[];
}

export interface PortLike {
  postMessage(message: unknown): void;
  close(): void;
}

export interface BridgeWindow {
  addEventListener(type: 'message', listener: (event: UntrustedMessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: UntrustedMessageEvent) => void): void;
  postMessage(message: unknown, targetOrigin: string): void;
}

export type PageAnswer = { ok: true; result: unknown } | { ok: false; error: WireError };

export interface PageBridgeDeps {
  win: BridgeWindow;
  /** `location.origin`, read by the content script itself. */
  origin: string;
  /** Relays an envelope-checked request to the worker; resolves to the worker's raw answer. */
  forward: (origin: string, request: UntrustedPageRequest) => Promise<unknown>;
  /** The page gave up on its requests (`{ keybound: 'cancel' }`): cancel this tab's waiting requests. */
  abandon?: () => void;
  /** Marks the document so a page script that starts after the ready message can still see it. */
  markReady?: () => void;
  log?: (event: string, fields: { code: string }) => void;
}

const unavailable = {
  ok: false,
  error: { code: 'ERR_EXTENSION_UNAVAILABLE', message: 'The Keybound extension did not answer. Reload the page.' },
} as const satisfies PageAnswer;

const unexpected: PageAnswer = {
  ok: false,
  error: { code: 'ERR_INTERNAL', message: 'The Keybound extension sent an unexpected answer.' },
};

/**
 * The worker's answer reduced to the page API's two shapes (pageResponse), field by field, so
 * nothing else reaches the page; no answer at all (the worker dropped the message) is
 * `ERR_EXTENSION_UNAVAILABLE`.
 */
export function toPageAnswer(raw: unknown): PageAnswer {
  if (raw === undefined || raw === null) return unavailable;
  if (typeof raw !== 'object') return unexpected;
  const answer = raw as { ok?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } };
  if (answer.ok === true && 'result' in answer) return { ok: true, result: answer.result };
  const code = answer.error?.code;
  const message = answer.error?.message;
  if (answer.ok === false && typeof code === 'string' && typeof message === 'string') {
    return { ok: false, error: { code, message } };
  }
  return unexpected;
}

/** Creates the bridge; `start()` announces ready and listens, `stop()` tears everything down. */
export function createPageBridge(deps: PageBridgeDeps) {
  const openPorts = new Set<PortLike>();
  let listening = false;
  const log = deps.log ?? (() => {});

  const answer = (port: PortLike, message: PageAnswer) => {
    if (!openPorts.has(port)) return; // torn down meanwhile (pagehide)
    openPorts.delete(port);
    port.postMessage(message);
    port.close();
  };

  const refuse = (port: PortLike, error: WireError) => {
    log('page.refused', { code: error.code });
    answer(port, { ok: false, error });
  };

  function handleMessage(event: UntrustedMessageEvent): void {
    // Sender checks first: only this very window, on this very origin (not a frame, not an opener).
    if (event.source !== deps.win || event.origin !== deps.origin) return;
    const raw: unknown = event.data;
    if (typeof raw !== 'object' || raw === null) return;
    const kind = (raw as { keybound?: unknown }).keybound;
    if (kind === 'cancel') {
      deps.abandon?.();
      return;
    }
    if (kind !== 'request') return;
    const [port, ...extra] = event.ports;
    if (!port) {
      // Nowhere to answer.
      log('page.refused', { code: 'ERR_INVALID_MESSAGE' });
      return;
    }
    openPorts.add(port);
    if (extra.length > 0) {
      for (const other of extra) other.close();
      refuse(port, { code: 'ERR_INVALID_MESSAGE', message: 'A Keybound request transfers exactly one port' });
      return;
    }
    const checked = checkPageEnvelope(raw as Record<string, unknown>);
    if (!checked.ok) {
      refuse(port, checked.error);
      return;
    }
    deps.forward(deps.origin, checked.request).then(
      (response) => answer(port, toPageAnswer(response)),
      () => refuse(port, unavailable.error),
    );
  }

  return {
    handleMessage,
    start(): void {
      if (listening) return;
      listening = true;
      deps.win.addEventListener('message', handleMessage);
      deps.markReady?.();
      deps.win.postMessage({ keybound: 'ready', version: PAGE_API_VERSION }, deps.origin);
    },
    stop(): void {
      listening = false;
      deps.win.removeEventListener('message', handleMessage);
      for (const port of openPorts) port.close();
      openPorts.clear();
    },
  };
}
