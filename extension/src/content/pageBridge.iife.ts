/**
 * Content script entry (bundled inline by crxjs because of the `.iife.ts` name, and minified by
 * extensionBuildExtras, so it is ready soon after navigation). Registered by the worker for
 * the configured portal and SSO login origins only (background/syncContentScripts.ts), so it
 * announces itself at once, without asking the worker first; pages on other origins never get
 * it. The worker still checks every request's browser-reported origin.
 *
 * Deliberately small (docs/decisions/0034-…): no zod and no webextension-polyfill here (they were
 * 237 KB parsed on every portal page); it checks the envelope and relays, and the worker runs the
 * strict schemas. Imports nothing from background or popup code (types only from messaging).
 */
import { contentSendToWorker } from '../compat/browserDifferences.js';
import type { ChannelEnvelope } from '../messaging/channels.js';
import { type BridgeWindow, createPageBridge } from './createPageBridge.js';

const send = contentSendToWorker(globalThis as Parameters<typeof contentSendToWorker>[0]);

const onChannel = (type: ChannelEnvelope<'content:background'>['type'], payload: unknown): Promise<unknown> => {
  if (!send) return Promise.reject(new Error('no runtime'));
  const message: ChannelEnvelope<'content:background'> = { channel: 'content:background', type, payload };
  return send(message);
};

/** Cancels this tab's requests waiting at the daemon (the page left or gave up on them). */
const abandon = (): void => {
  onChannel('page.abandon', {}).catch(() => undefined);
};

function start(): void {
  // Registered and also injected into open tabs: run once per document (isolated-world global).
  const scope = globalThis as { keyboundBridge?: boolean };
  if (scope.keyboundBridge) return;
  scope.keyboundBridge = true;
  const origin = location.origin;

  const bridge = createPageBridge({
    win: window as unknown as BridgeWindow,
    origin,
    forward: (requestOrigin, request) => onChannel('page.request', { origin: requestOrigin, request }),
    abandon,
    markReady: () => document.documentElement.setAttribute('data-keybound', 'ready'),
  });
  bridge.start();
  // Tear down on pagehide, and cancel what this page still waits for: no Protect prompt may
  // outlive the page that asked. A page restored from the back/forward cache gets a fresh start.
  window.addEventListener('pagehide', () => {
    abandon();
    bridge.stop();
  });
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) bridge.start();
  });
}

start();
