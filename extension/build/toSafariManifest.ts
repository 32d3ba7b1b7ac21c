/**
 * Derives the Safari web-extension manifest from the built Chrome manifest. Every manifest
 * difference between the browsers is here, each tagged `COMPAT(...)`. The result is the input of
 * `xcrun safari-web-extension-converter extension/dist/safari` (see docs/decisions/0030-…).
 */

type Manifest = Record<string, unknown> & {
  background?: { service_worker?: string; type?: string; scripts?: string[]; persistent?: boolean };
  storage?: unknown;
};

/** Returns a new manifest for Safari; the input is not modified. */
export function toSafariManifest(chrome: Manifest): Manifest {
  const {
    key: _key, // COMPAT(safari-no-key): Safari assigns its own per-install UUID; a Chrome key means nothing there.
    minimum_chrome_version: _minChrome, // COMPAT(safari-min-version): replaced by browser_specific_settings.safari.
    storage: _storage, // COMPAT(safari-no-managed-storage): no storage.managed_schema; MDM configures Safari apps.
    background,
    ...rest
  } = chrome;
  const safari: Manifest = {
    ...rest,
    browser_specific_settings: { safari: { strict_min_version: '16.4' } },
  };
  if (background?.service_worker) {
    // COMPAT(safari-background-scripts): Safari's non-persistent background page is the
    // documented, iOS-compatible form; the same module runs there as in Chrome's service worker.
    safari.background = { scripts: [background.service_worker], type: 'module', persistent: false };
  }
  return safari;
}
