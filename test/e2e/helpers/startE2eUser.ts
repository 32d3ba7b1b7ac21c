/**
 * What most end-to-end tests start with: the stack (startE2eStack), one Chromium with the built
 * extension configured for that portal and daemon, and the demo user who drives the tab.
 * `close()` closes the browser, then the stack. `startRegisteredE2eUser` also registers the device.
 */
import { type ExtensionBrowser, launchWithExtension } from '../../../dev/browser.js';
import { PortalUser } from './PortalUser.js';
import { openTrackedPage } from './protectWindow.js';
import { registerThroughOffer } from './registerThroughOffer.js';
import { type E2eStack, type E2eStackOptions, startE2eStack } from './startE2eStack.js';

export interface E2eUser {
  stack: E2eStack;
  browser: ExtensionBrowser;
  user: PortalUser;
  close(): Promise<void>;
}

export async function startE2eUser(options: E2eStackOptions = {}): Promise<E2eUser> {
  const stack = await startE2eStack(options);
  try {
    const browser = await launchWithExtension({
      settings: { portalOrigins: [stack.portal.origin], daemonPort: stack.daemon.port },
      daemonDataDir: stack.daemon.dataDir,
    });
    const user = new PortalUser({ portalOrigin: stack.portal.origin, ...stack.user });
    return {
      stack,
      browser,
      user,
      async close() {
        await browser.close();
        await stack.close();
      },
    };
  } catch (err) {
    await stack.close();
    throw err;
  }
}

/** {@link startE2eUser}, with the device registered as the seed does it (registerThroughOffer, in a tab closed after). */
export async function startRegisteredE2eUser(options: E2eStackOptions = {}): Promise<E2eUser> {
  const e2e = await startE2eUser(options);
  try {
    const tab = await openTrackedPage(e2e.browser);
    await registerThroughOffer(e2e.browser, e2e.user, tab);
    await tab.page.close();
    return e2e;
  } catch (err) {
    await e2e.close();
    throw err;
  }
}
