/**
 * Content script entry (bundled inline by crxjs because of the `.iife.ts` name, and minified by
 * extensionBuildExtras, so it is ready soon after navigation). Injected on the manifest's broad
 * loopback matches; it first asks the worker whether this tab's origin is a configured portal or
 * SSO login origin. The worker decides from the browser-reported sender origin and does not
 * answer otherwise, so pages on other origins get nothing — no listener, no ready signal.
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

async function start(): Promise<void> {
  const origin = location.origin;
  const gate = (await onChannel('gate', { origin }).catch(() => undefined)) as { allowed?: unknown } | undefined;
  if (gate?.allowed !== true) return;

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

void start();
