/**
 * Service worker entry. Every listener is registered synchronously at top level (so a worker
 * woken by an event finds its listener), then delegates to the background built in
 * createBackground.ts. This is the only part of the extension that talks to the daemon.
 */
import browser from 'webextension-polyfill';
// crxjs builds the `.iife.ts` script and gives its output path (registered per configured origin).
import bridgeFile from '../content/pageBridge.iife.ts?script';
import { createBackground, log } from './createBackground.js';

const background = createBackground(browser, bridgeFile);
void background.syncContentScripts();

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) =>
  background.onMessage(message, sender).catch(() => {
    log('message.failed', { code: 'ERR_INTERNAL' });
    return undefined;
  }),
);

browser.tabs.onRemoved.addListener((tabId) => background.onTabRemoved(tabId));

browser.storage.onChanged.addListener((changes, area) => {
  // The managed policy's copy changed (first read after start, or a new policy): re-register.
  if (area === 'local' && 'managedCache' in changes) void background.syncContentScripts();
  // Our own bookkeeping (pairing, managed cache) must not drop the connection.
  if (area === 'local' && !('settings' in changes)) return;
  background.onStorageChanged(area);
});

// Device-bound sessions (DBSC): the portal's registration header, refresh alarms, and the
// sessions stored before this worker started (docs/sessions.md).
browser.webRequest.onHeadersReceived.addListener(
  (details) => {
    const header = details.responseHeaders?.find((h) => h.name.toLowerCase() === 'secure-session-registration');
    if (header?.value) {
      void background.boundSessions.onResponse(details.url, header.value).catch(() => {
        log('dbsc.failed', { code: 'ERR_INTERNAL' });
      });
    }
    return undefined;
  },
  { urls: browser.runtime.getManifest().host_permissions ?? [] },
  ['responseHeaders'],
);

browser.alarms.onAlarm.addListener((alarm) => {
  void background.boundSessions.onAlarm(alarm.name).catch(() => {
    log('dbsc.failed', { code: 'ERR_INTERNAL' });
  });
});

void background.boundSessions.resume().catch(() => log('dbsc.failed', { code: 'ERR_INTERNAL' }));

// Pair (through the native host) and connect as soon as the browser starts or installs the
// extension, so the first sign-in does not wait for the host process (docs/performance.md).
browser.runtime.onStartup.addListener(() => background.warmUp());
browser.runtime.onInstalled.addListener(() => background.warmUp());
