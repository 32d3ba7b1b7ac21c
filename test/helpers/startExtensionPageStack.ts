/**
 * The setup the extension's browser tests share: a static "portal" page served on 127.0.0.1
 * (configured as `http://localhost:<port>`), a real daemon (dev/startDevDaemon.ts with the extension's pinned id allow-listed and pairing
 * pre-authorised), and
 * Chromium with the built extension configured for that origin and that daemon's port.
 * `close()` stops the browser, the daemon and the page server, in that order.
 */
import { type ExtensionBrowser, launchWithExtension } from '../../dev/browser.js';
import { type PageServer, servePages } from '../../dev/servePages.js';
import { type DevDaemon, type DevDaemonOptions, startDevDaemon } from '../../dev/startDevDaemon.js';
import { EXTENSION_ID } from '../../extension/src/extensionId.js';

/** The page every stack serves at `/`. */
export const PORTAL_PAGE = '<!doctype html><title>portal</title><p>portal</p>';

export interface ExtensionPageStack {
  server: PageServer;
  daemon: DevDaemon;
  browser: ExtensionBrowser;
  close(): Promise<void>;
}

/** Starts page server, daemon and browser; if a later part fails to start, stops the earlier ones. */
export async function startExtensionPageStack(daemonOptions: DevDaemonOptions = {}): Promise<ExtensionPageStack> {
  const server = await servePages({ '/': PORTAL_PAGE });
  let daemon: DevDaemon | undefined;
  try {
    daemon = await startDevDaemon({ allowExtensions: [EXTENSION_ID], preauthorizePairing: true, ...daemonOptions });
    const browser = await launchWithExtension({
      settings: { portalOrigins: [server.localhostOrigin], daemonPort: daemon.port },
      daemonDataDir: daemon.dataDir,
    });
    const started = daemon;
    return {
      server,
      daemon: started,
      browser,
      async close() {
        await browser.close();
        await started.stop();
        await server.close();
      },
    };
  } catch (error) {
    await daemon?.stop();
    await server.close();
    throw error;
  }
}
