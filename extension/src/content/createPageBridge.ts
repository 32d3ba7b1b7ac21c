/**
 * The page ⇄ content bridge (shared/protocol/pageApi.ts). Accepts `window.postMessage` requests
 * only from this window and this origin, each with its own MessageChannel port, and handles them
 * in a fixed order: size → schema → forward to the worker with the content script's own
 * `location.origin` → answer `{ ok, result | error }` on the port. Never throws on page input.
 *
 * Pure over its dependencies (window, origin, forward) so tests drive it without a browser.
 */
import type { WireError } from '../../../shared/errors.js';
import { PAGE_API_VERSION, type PageRequest, pageRequest } from '../../../shared/protocol/pageApi.js';
import { MAX_MESSAGE_BYTES } from '../../../shared/protocol/version.js';
import { structuredMessageBytes } from '../messaging/createChannelReceiver.js';

/** What a page may put in a message event: nothing here is trusted until parsed. */
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
  /** Sends a parsed request to the worker; resolves to the answer for the page. */
  forward: (origin: string, request: PageRequest) => Promise<PageAnswer>;
  /** Marks the document so a page script that starts after the ready message can still see it. */
  markReady?: () => void;
  log?: (event: string, fields: { code: string }) => void;
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
    if (typeof raw !== 'object' || raw === null || (raw as { keybound?: unknown }).keybound !== 'request') return;
    const port = event.ports[0];
    if (!port) {
      // Nowhere to answer.
      log('page.refused', { code: 'ERR_INVALID_MESSAGE' });
      return;
    }
    openPorts.add(port);
    const bytes = structuredMessageBytes(raw);
    if (bytes === undefined || bytes > MAX_MESSAGE_BYTES) {
      refuse(port, {
        code: bytes === undefined ? 'ERR_MALFORMED_JSON' : 'ERR_MESSAGE_TOO_LARGE',
        message: `A Keybound request must be JSON of at most ${MAX_MESSAGE_BYTES} bytes`,
      });
      return;
    }
    const parsed = pageRequest.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      refuse(port, { code: 'ERR_INVALID_MESSAGE', message: `Invalid request${where}: ${issue?.message}` });
      return;
    }
    deps.forward(deps.origin, parsed.data).then(
      (response) => answer(port, response),
      () => refuse(port, { code: 'ERR_EXTENSION_UNAVAILABLE', message: 'The Keybound extension did not answer.' }),
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
