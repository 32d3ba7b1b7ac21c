/**
 * Wires the service worker's parts to the browser APIs: settings, pairing credentials, the daemon
 * client, the Protect handoff and the two channel receivers. Synchronous, so serviceWorker.ts can
 * register every listener at top level; all storage reads happen lazily inside the handlers.
 */
import type Browser from 'webextension-polyfill';
import type { WireError } from '../../../shared/errors.js';
import { toBase64url } from '../../../shared/webauthn/base64url.js';
import { browserName, extensionOrigin, managedStorage, openProtectWindow } from '../compat/browserDifferences.js';
import { createChannelReceiver } from '../messaging/createChannelReceiver.js';
import { SettingsSource } from '../settings/SettingsSource.js';
import { isServedOrigin } from '../settings/settingsSchema.js';
import { createBoundSessions } from './boundSessions/createBoundSessions.js';
import { DaemonClient, type PairingCredentialStore } from './daemon/DaemonClient.js';
import type { WebSocketLike } from './daemon/DaemonConnection.js';
import { createNativeHost, type NativePort } from './daemon/NativeHost.js';
import { createSafariNativeHost } from './daemon/SafariNativeHost.js';
import { handleContentMessages } from './handleContentMessages.js';
import { handlePopupMessages } from './handlePopupMessages.js';
import { interpretSender, type RawSender } from './interpretSender.js';
import { isDaemonProtectUrl } from './isDaemonProtectUrl.js';
import { OrphanedRegistrations } from './OrphanedRegistrations.js';
import { PageCeremonies } from './PageCeremonies.js';
import { PAIRING_REQUEST_ID, ProtectHandoff, type ProtectPrompt } from './ProtectHandoff.js';
import { contentScriptSync, type ScriptingApi } from './syncContentScripts.js';
import { UnshownPrompts } from './UnshownPrompts.js';

type Fields = Record<string, string | number | boolean | undefined>;

/** Structured log lines with an event name and a code; never secrets or page data. */
export function log(event: string, fields: Fields): void {
  console.info(JSON.stringify({ event, ...fields }));
}

/** The install id and pairing secret in storage.local (see docs/decisions/0032-…). */
function pairingCredentials(api: typeof Browser): PairingCredentialStore {
  const KEY = 'pairing';
  let loading: Promise<{ installId: string; secret?: string; port?: number }> | undefined;
  const read = async () => {
    const stored = (await api.storage.local.get(KEY))[KEY] as
      | { installId?: unknown; secret?: unknown; port?: unknown }
      | undefined;
    if (typeof stored?.installId === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(stored.installId)) {
      return {
        installId: stored.installId,
        ...(typeof stored.secret === 'string' ? { secret: stored.secret } : {}),
        ...(typeof stored.port === 'number' && Number.isInteger(stored.port) ? { port: stored.port } : {}),
      };
    }
    const installId = toBase64url(crypto.getRandomValues(new Uint8Array(24)));
    await api.storage.local.set({ [KEY]: { installId } });
    return { installId };
  };
  return {
    // Serialised so two first requests cannot mint two install ids.
    load: () => {
      loading ??= read().finally(() => {
        loading = undefined;
      });
      return loading;
    },
    saveSecret: async (secret, port) => {
      const { installId } = await read();
      await api.storage.local.set({ [KEY]: { installId, secret, port } });
    },
    clearSecret: async () => {
      const { installId } = await read();
      await api.storage.local.set({ [KEY]: { installId } });
    },
  };
}

/** Session storage for open Protect windows (memory if the browser has none). */
function sessionStore(api: typeof Browser) {
  const memory = new Map<string, unknown>();
  const session = (api.storage as { session?: Browser.Storage.StorageArea }).session;
  return {
    get: async <T>(key: string) =>
      session ? ((await session.get(key))[key] as T | undefined) : (memory.get(key) as T),
    set: async (key: string, value: unknown) =>
      void (session ? await session.set({ [key]: value }) : memory.set(key, value)),
    remove: async (key: string) => void (session ? await session.remove(key) : memory.delete(key)),
  };
}

/** `chrome.scripting` plus injection into tabs already open on a newly configured origin. */
function scriptingApi(api: typeof Browser): ScriptingApi | undefined {
  const scripting = (api as unknown as { scripting?: ScriptingApi & { executeScript: Function } }).scripting;
  if (!scripting) return undefined;
  return {
    getRegisteredContentScripts: (f) => scripting.getRegisteredContentScripts(f),
    registerContentScripts: (s) => scripting.registerContentScripts(s),
    updateContentScripts: (s) => scripting.updateContentScripts(s),
    unregisterContentScripts: (f) => scripting.unregisterContentScripts(f),
    injectIntoOpenTabs: async (matches, file) => {
      for (const tab of await api.tabs.query({ url: matches })) {
        if (tab.id === undefined) continue;
        await (scripting.executeScript as (i: unknown) => Promise<unknown>)({
          target: { tabId: tab.id },
          files: [file],
        }).catch(() => undefined);
      }
    },
  };
}

/**
 * Creates the background: `onMessage`, `onStorageChanged` and `syncContentScripts` are what the
 * listeners call. `bridgeFile` is the built page-bridge content script, registered per origin.
 */
export function createBackground(api: typeof Browser, bridgeFile?: string) {
  const version = api.runtime.getManifest().version;
  const settings = new SettingsSource({ local: api.storage.local, managed: managedStorage(api) });
  const handoff = new ProtectHandoff({
    open: (url) => openProtectWindow(api, url),
    closeWindow: async (windowId) => void (await api.windows.remove(windowId)),
    closeTab: async (tabId) => void (await api.tabs.remove(tabId)),
    focus: async ({ tabId, windowId }) => {
      await api.tabs.update(tabId, { active: true });
      await api.windows?.update(windowId, { focused: true });
    },
    activeTab: async () => {
      const [tab] = await api.tabs.query({ active: true, lastFocusedWindow: true });
      return tab?.id === undefined || tab.windowId === undefined
        ? undefined
        : { tabId: tab.id, windowId: tab.windowId };
    },
    store: sessionStore(api),
    log,
  });
  const credentials = pairingCredentials(api);
  const native =
    browserName(api) === 'safari'
      ? // COMPAT(untested: no macOS here) — Safari: the containing app plays the host's role.
        createSafariNativeHost({
          sendNativeMessage: (app, message) => api.runtime.sendNativeMessage(app, message),
          extensionOrigin: extensionOrigin(api),
        })
      : createNativeHost({
          connect: (name) => api.runtime.connectNative(name) as unknown as NativePort,
          lastError: () =>
            (globalThis as { chrome?: { runtime?: { lastError?: { message?: string } } } }).chrome?.runtime?.lastError
              ?.message,
        });
  /** Opens a Protect window only for a URL on the daemon's own port and /protect/ path; else says why not. */
  const showPrompt = async (prompt: ProtectPrompt): Promise<WireError | undefined> => {
    const { port } = await credentials.load();
    if (port === undefined || !isDaemonProtectUrl(prompt.url, port)) {
      log('protect.url_refused', { code: 'ERR_INVALID_MESSAGE' });
      return { code: 'ERR_INVALID_MESSAGE', message: "The Protect window's address was not the Keybound app's own." };
    }
    if (await handoff.onRequest(prompt)) return undefined;
    return { code: 'ERR_INTERNAL', message: 'The browser did not open the Protect window.' };
  };
  /**
   * `protect.request`: the window's URL comes from the native host, not the WebSocket (decision
   * 0040). A host that could not start is tried once more (each call is a new process); a request
   * whose window cannot be shown is cancelled with the reason (UnshownPrompts).
   */
  const showRequest = async (event: { requestId: string; protectId: string }) => {
    log('protect.request', { code: 'OK' });
    let answer = await native.protectUrl(event.protectId);
    if (!answer.ok && answer.error.code === 'ERR_NATIVE_HOST_UNAVAILABLE') {
      log('protect.url_unavailable', { code: answer.error.code });
      answer = await native.protectUrl(event.protectId);
    }
    if (!answer.ok) log('protect.url_unavailable', { code: answer.error.code });
    const problem = answer.ok ? await showPrompt({ ...event, url: answer.result.url }) : answer.error;
    if (problem) unshown.fail(event.requestId, problem);
  };
  let pairingPrompt: string | undefined;
  const daemon = new DaemonClient({
    openSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike,
    native,
    onPairingPrompt: (url) => {
      const protectId = new URL(url).pathname.split('/')[2] ?? '';
      if (!isDaemonProtectUrl(url, Number(new URL(url).port))) return;
      pairingPrompt = protectId;
      void handoff.onRequest({ requestId: PAIRING_REQUEST_ID, protectId, url });
    },
    // The native host reports no protect.done: when the pairing ends, close its window as for one.
    onPairingSettled: (approved) => {
      if (pairingPrompt === undefined) return;
      const protectId = pairingPrompt;
      pairingPrompt = undefined;
      void handoff.onDone({
        type: 'event',
        event: 'protect.done',
        requestId: PAIRING_REQUEST_ID,
        protectId,
        outcome: approved ? 'approved' : 'denied',
      });
    },
    credentials,
    extensionOrigin: extensionOrigin(api),
    client: { browser: browserName(api), extensionVersion: version },
    onEvent: (event) => {
      // The WebSocket carries no approval capability: the URL comes from the native host.
      if (event.event === 'protect.request') void showRequest(event);
      else void handoff.onDone(event);
    },
    log,
  });
  const orphans = new OrphanedRegistrations();
  const cancel = (requestId: string) => {
    void daemon.request('cancel', { requestId }).then((outcome) => {
      if (!outcome.ok) log('daemon.cancel_failed', { code: outcome.error.code });
    });
  };
  const ceremonies = new PageCeremonies(cancel);
  const unshown = new UnshownPrompts(cancel);
  const fromContent = createChannelReceiver(
    'content:background',
    handleContentMessages({ daemon, handoff, ceremonies, unshown, orphans, extensionVersion: version, log }),
    log,
  );
  const fromPopup = createChannelReceiver(
    'popup:background',
    handlePopupMessages({ daemon, orphans, settings: () => settings.current(), extensionVersion: version }),
    log,
  );

  const scripting = bridgeFile ? scriptingApi(api) : undefined;
  const sync = scripting && bridgeFile ? contentScriptSync(scripting, bridgeFile, log) : undefined;
  const syncContentScripts = async () => {
    if (sync) await sync(await settings.current());
  };

  const policyFor = (served: (origin: string) => boolean) => ({
    extensionId: api.runtime.id,
    extensionOrigin: extensionOrigin(api),
    isServedOrigin: served,
  });

  const boundSessions = createBoundSessions(api, {
    daemon,
    isPortalOrigin: async (origin) => (await settings.current()).portalOrigins.includes(origin),
    log,
  });

  return {
    boundSessions,
    /** Connects (pairing through the native host if needed) without waiting for a page to ask. */
    warmUp(): void {
      void daemon.request('ping', {}).then((r) => log('daemon.warm_up', { code: r.ok ? 'OK' : r.error.code }));
    },
    /** Sender check first, then the channel receiver for that kind of sender. */
    async onMessage(raw: unknown, sender: RawSender): Promise<unknown> {
      let current = await settings.current();
      let checked = interpretSender(
        sender,
        policyFor((o) => isServedOrigin(current, o)),
      );
      if (!checked.ok) {
        // Maybe IT policy has not been read yet (it can take seconds after browser start).
        current = await settings.fresh();
        checked = interpretSender(
          sender,
          policyFor((o) => isServedOrigin(current, o)),
        );
      }
      if (!checked.ok) {
        log('sender.refused', { code: checked.code });
        return undefined;
      }
      const context = checked.context;
      return context.kind === 'content' ? fromContent(raw, context) : fromPopup(raw, context);
    },
    /** A closed tab's page is gone: its requests waiting at the daemon are cancelled. */
    onTabRemoved(tabId: number): void {
      ceremonies.abandon(tabId);
    },
    onStorageChanged(area: string): void {
      if (area === 'managed') settings.invalidateManaged();
      if (area === 'local') settings.invalidateLocal();
      // A changed daemon port takes effect with the next connection.
      if (area === 'local' || area === 'managed') daemon.disconnect();
      void syncContentScripts();
    },
    /** Registers the page bridge for the configured origins (at start, and when the policy copy changes). */
    syncContentScripts,
  };
}
