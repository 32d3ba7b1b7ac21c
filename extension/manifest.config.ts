/**
 * The Chrome MV3 manifest, defined once; the Safari manifest is derived from the built one in
 * build/toSafariManifest.ts. Paths are relative to extension/ (vite's root for this build).
 */
import { defineManifest } from '@crxjs/vite-plugin';
import { KEYBOUND_VERSION } from '../shared/version.js';
import { EXTENSION_PUBLIC_KEY } from './src/extensionId.js';

/**
 * Hosts the content script may ever run on. The worker registers it for the configured origins
 * only (with their ports), at run time; these host permissions bound that set. A deployment adds its portal hosts at build time, e.g.
 * `KEYBOUND_CONTENT_MATCHES="https://portal.example.com/*,https://login.example.com/*"`.
 */
export function contentMatches(env: string | undefined = process.env.KEYBOUND_CONTENT_MATCHES): string[] {
  const extra = (env ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  return ['http://localhost/*', 'http://127.0.0.1/*', ...extra];
}

/**
 * connect-src for the worker's DBSC requests: the served hosts from {@link contentMatches} (any
 * port on loopback), besides the daemon's WebSocket.
 */
export function portalConnectSources(matches: string[] = contentMatches()): string[] {
  return matches.map((m) => {
    const url = new URL(m.replace('/*', '/'));
    return url.hostname === 'localhost' || url.hostname === '127.0.0.1'
      ? `${url.protocol}//${url.hostname}:*`
      : url.origin;
  });
}

export default defineManifest({
  manifest_version: 3,
  name: 'Keybound',
  version: KEYBOUND_VERSION,
  description: 'Passwordless, device-bound sign-in for your User Portal, with Device Trust.',
  key: EXTENSION_PUBLIC_KEY,
  // 116: a WebSocket's traffic keeps the service worker alive (the keepalive relies on it).
  minimum_chrome_version: '116',
  background: { service_worker: 'src/background/serviceWorker.ts', type: 'module' },
  // The page bridge is registered at run time for the configured origins only
  // (background/syncContentScripts.ts); these hosts bound where it may ever run.
  host_permissions: contentMatches(),
  action: { default_popup: 'src/popup/popup.html', default_title: 'Keybound' },
  options_ui: { page: 'src/options/options.html', open_in_tab: true },
  // webRequest (observe only) sees the portal's Secure-Session-Registration; alarms and cookies
  // keep a device-bound session's short-lived cookie refreshed (docs/sessions.md); scripting
  // registers the page bridge for the configured origins.
  permissions: ['storage', 'webRequest', 'alarms', 'cookies', 'scripting', 'nativeMessaging'],
  // nativeMessaging: the daemon's port and the pairing secret come from keybound native-host (decision 0040).
  storage: { managed_schema: 'managed_schema.json' },
  content_security_policy: {
    extension_pages: `script-src 'self'; object-src 'self'; connect-src 'self' ws://127.0.0.1:* ws://localhost:* ${portalConnectSources().join(' ')}`,
  },
});
