/**
 * The setup the extension's browser tests share: a static "portal" page served on 127.0.0.1
 * (configured as `http://localhost:<port>`), a real daemon (options as for startTestDaemon), and
 * Chromium with the built extension configured for that origin and that daemon's port.
 * `close()` stops the browser, the daemon and the page server, in that order.
 */
import { type ExtensionBrowser, launchWithExtension } from './browser.js';
import { type PageServer, servePages } from './servePages.js';
import { startTestDaemon, type TestDaemon } from './startTestDaemon.js';

/** The page every stack serves at `/`. */
export const PORTAL_PAGE = '<!doctype html><title>portal</title><p>portal</p>';

export interface ExtensionPageStack {
  server: PageServer;
  daemon: TestDaemon;
  browser: ExtensionBrowser;
  close(): Promise<void>;
}

/** Starts page server, daemon and browser; if a later part fails to start, stops the earlier ones. */
export async function startExtensionPageStack(
  daemonOptions: Parameters<typeof startTestDaemon>[0] = {},
): Promise<ExtensionPageStack> {
  const server = await servePages({ '/': PORTAL_PAGE });
  let daemon: TestDaemon | undefined;
  try {
    daemon = await startTestDaemon(daemonOptions);
    const browser = await launchWithExtension({
      settings: { portalOrigins: [server.localhostOrigin], daemonPort: daemon.port },
    });
    const started = daemon;
    return {
      server,
      daemon: started,
      browser,
      async close() {
        await browser.close();
        await started.close();
        await server.close();
      },
    };
  } catch (error) {
    await daemon?.close();
    await server.close();
    throw error;
  }
}
