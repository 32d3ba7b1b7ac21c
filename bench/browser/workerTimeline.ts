/**
 * Timestamps inside the extension's service worker, to split each page API round trip into
 * page → content script → worker, the worker's own work, the daemon leg (WebSocket out and back,
 * as the worker sees it) and worker → content script → page. Added from outside (no change to the
 * extension): a second `runtime.onMessage` listener that only records and never answers, and
 * WebSocket.prototype hooks (`send`, and the `onmessage` setter, so the hook fires before the
 * extension's handler). Sockets opened before the hooks are not seen, so `instrumentWorker`
 * changes the extension's settings and puts them back, which makes the worker reconnect.
 *
 * Worker timestamps (performance.timeOrigin + now) come from another process than the page's;
 * Chromium derives both from the same clock, so cross-process hops are good to about a
 * millisecond, and intervals within the worker are exact.
 */
import type { Worker } from 'playwright-core';
import { configureExtension } from '../../dev/browser.js';
import type { Mark } from './signInOnce.js';

const INSTRUMENT = `(() => {
  if (globalThis.__keyboundBenchMarks) return 'already';
  const marks = [];
  globalThis.__keyboundBenchMarks = marks;
  const mark = (name) => marks.push([name, performance.timeOrigin + performance.now()]);
  chrome.runtime.onMessage.addListener((message) => {
    const type = message?.type === 'page.request' ? message?.payload?.request?.type : message?.type;
    mark('worker ' + type + ' received');
    return false;
  });
  const types = new Map();
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    try {
      const m = JSON.parse(String(data));
      types.set(m.id, m.type);
      mark('ws ' + m.type + ' sent');
    } catch {}
    return send.call(this, data);
  };
  const onmessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    get() { return onmessage.get.call(this); },
    set(handler) {
      if (!this.__keyboundBenchHooked) {
        this.__keyboundBenchHooked = true;
        this.addEventListener('message', (event) => {
          try {
            const m = JSON.parse(String(event.data));
            if (m.type === 'result') mark('ws ' + (types.get(m.id) ?? '?') + ' answered');
          } catch {}
        });
      }
      onmessage.set.call(this, handler);
    },
  });
  return 'hooked';
})()`;

/** Hooks the worker (once per worker lifetime) and makes the extension reconnect to the daemon. */
export async function instrumentWorker(worker: Worker, settings: { portalOrigins: string[]; daemonPort: number }) {
  const state = await worker.evaluate(INSTRUMENT);
  if (state !== 'hooked') return;
  // storage.onChanged only fires for a real change: an extra origin, then the settings as they were.
  await configureExtension(worker, { ...settings, portalOrigins: [...settings.portalOrigins, 'http://localhost:1'] });
  await configureExtension(worker, settings);
}

/** The worker's marks since the last drain (none if the worker was restarted meanwhile). */
export async function drainWorkerMarks(worker: Worker): Promise<Mark[]> {
  return worker
    .evaluate('(globalThis.__keyboundBenchMarks ?? []).splice(0)')
    .then((m) => m as Mark[])
    .catch(() => []);
}
