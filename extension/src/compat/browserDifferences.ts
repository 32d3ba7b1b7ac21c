/**
 * Runtime differences between Chrome and Safari, all in this one file and tagged `COMPAT(...)`
 * so they can be found and removed when the browsers converge. (Manifest differences live in
 * extension/build/toSafariManifest.ts; the sender-origin fallback is tagged in interpretSender.ts.)
 */
import type Browser from 'webextension-polyfill';

export type BrowserName = 'chrome' | 'safari' | 'other';

/** Which browser runs us, told by the extension's own URL scheme. */
export function browserName(api: typeof Browser): BrowserName {
  const base = api.runtime.getURL('');
  if (base.startsWith('chrome-extension://')) return 'chrome';
  if (base.startsWith('safari-web-extension://')) return 'safari';
  return 'other';
}

/** This extension's origin (`chrome-extension://<id>`, `safari-web-extension://<uuid>`). */
export function extensionOrigin(api: typeof Browser): string {
  return new URL(api.runtime.getURL('')).origin;
}

/**
 * COMPAT(safari-no-managed-storage): Safari has no `storage.managed` (IT configures Safari
 * extensions through the app's MDM configuration instead); there only local settings apply.
 */
export function managedStorage(api: typeof Browser): Pick<Browser.Storage.StorageArea, 'get'> | undefined {
  return (api.storage as { managed?: Browser.Storage.StorageArea }).managed;
}

/**
 * Opens the Protect window. COMPAT(safari-ios-no-windows): Safari on iOS/iPadOS has no
 * `windows` API; a tab stands in (and `windowId` is then the tab's window, which stays open).
 */
export async function openProtectWindow(
  api: typeof Browser,
  url: string,
): Promise<{ windowId?: number; tabId?: number }> {
  if (api.windows?.create) {
    const created = await api.windows.create({ url, type: 'popup', width: 440, height: 620, focused: true });
    return { windowId: created.id, tabId: created.tabs?.[0]?.id };
  }
  const tab = await api.tabs.create({ url, active: true });
  return { tabId: tab.id };
}

/** The one runtime call the content script needs: send a message to the worker, get its answer. */
export type SendToWorker = (message: unknown) => Promise<unknown>;

/**
 * `runtime.sendMessage` for the content script without webextension-polyfill (it would be most
 * of the content bundle): Chrome's `chrome.runtime.sendMessage` returns a promise in MV3.
 * COMPAT(safari-browser-namespace): where `chrome.runtime` is missing (older Safari exposes only
 * the promise-based `browser` namespace), `browser.runtime.sendMessage` stands in.
 */
export function contentSendToWorker(scope: {
  chrome?: { runtime?: { sendMessage?: (message: unknown) => Promise<unknown> } };
  browser?: { runtime?: { sendMessage?: (message: unknown) => Promise<unknown> } };
}): SendToWorker | undefined {
  const runtime = scope.chrome?.runtime?.sendMessage ? scope.chrome.runtime : scope.browser?.runtime;
  const send = runtime?.sendMessage;
  if (!send) return undefined;
  // Chrome throws synchronously once the extension was reloaded ("Extension context
  // invalidated"): a rejection instead, so the page gets ERR_EXTENSION_UNAVAILABLE.
  return (message) => {
    try {
      return Promise.resolve(send.call(runtime, message));
    } catch (err) {
      return Promise.reject(err);
    }
  };
}
