/**
 * Content script entry (bundled inline by crxjs because of the `.iife.ts` name, so it is ready
 * soon after navigation). Injected on the manifest's broad loopback matches; it first asks the
 * worker whether this tab's origin is a configured portal or SSO login origin. The worker decides
 * from the browser-reported sender origin and does not answer otherwise, so pages on other origins
 * get nothing — no listener, no ready signal. Imports nothing from background or popup code.
 */
import browser from 'webextension-polyfill';
import { pageResponse } from '../../../shared/protocol/pageApi.js';
import type { ChannelEnvelope } from '../messaging/channels.js';
import { sendOnChannel } from '../messaging/sendOnChannel.js';
import { createPageBridge, type PageAnswer } from './createPageBridge.js';

const transport = (message: ChannelEnvelope) => browser.runtime.sendMessage(message);

async function start(): Promise<void> {
  const origin = location.origin;
  const gate = await sendOnChannel(transport, 'content:background', 'gate', { origin });
  if (!gate.ok) return;

  const bridge = createPageBridge({
    win: window as unknown as Parameters<typeof createPageBridge>[0]['win'],
    origin,
    forward: async (requestOrigin, request): Promise<PageAnswer> => {
      const response = await sendOnChannel(transport, 'content:background', 'page.request', {
        origin: requestOrigin,
        request,
      });
      if (!response.ok) return { ok: false, error: response.error };
      const checked = pageResponse.safeParse(response.value);
      return checked.success
        ? (checked.data as PageAnswer)
        : { ok: false, error: { code: 'ERR_INTERNAL', message: 'Bad answer' } };
    },
    markReady: () => document.documentElement.setAttribute('data-keybound', 'ready'),
  });
  bridge.start();
  // Tear down on pagehide; a page restored from the back/forward cache gets a fresh start.
  window.addEventListener('pagehide', () => bridge.stop());
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) bridge.start();
  });
}

void start();
