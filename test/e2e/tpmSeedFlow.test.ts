/**
 * Issue 10, done-when 3: the seed's walkthrough with the daemon's keys in a TPM (a private swtpm),
 * in headless Chromium with the built extension, the real daemon (`--key-store tpm`) and the real
 * portal (trusting swtpm-localca, `hardware-keys required`): the device enrolled with TPM
 * attestation, registers through the passwordless offer, signs in again with the device only,
 * the home page's session line says the key is in the TPM, and the protected SSO app opens —
 * which under `hardware-keys required` it does only for a TPM-attested credential.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from '../../dev/browser.js';
import { swtpmInstalled } from '../../dev/startSwtpm.js';
import { deviceList } from '../../portal/src/admin/adminActions.js';
import { PortalUser } from './helpers/PortalUser.js';
import { answerProtect, openTrackedPage } from './helpers/protectWindow.js';
import { registerThroughOffer } from './helpers/registerThroughOffer.js';
import { type E2eStack, startE2eStack } from './helpers/startE2eStack.js';

const run = swtpmInstalled() || process.env.CI === 'true';

describe.runIf(run)('the seed flow with --key-store tpm (swtpm)', () => {
  let stack: E2eStack;
  let browser: ExtensionBrowser;
  let user: PortalUser;

  beforeAll(async () => {
    stack = await startE2eStack({ keyStore: 'tpm' });
    browser = await launchWithExtension({
      settings: { portalOrigins: [stack.portal.origin], daemonPort: stack.daemon.port },
      daemonDataDir: stack.daemon.dataDir,
    });
    user = new PortalUser({ portalOrigin: stack.portal.origin, ...stack.user });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('should enroll the device with TPM attestation when the daemon keeps its keys in the TPM', async () => {
    const device = (await deviceList(stack.portal.db)).find((d) => d.id === stack.device.deviceId);
    expect(device).toMatchObject({ keyProtection: 'tpm', tpm: { manufacturer: 'IBM (swtpm)', model: 'swtpm' } });
  });

  it('should register, sign in with the device only, show TPM key protection and open the protected app', async () => {
    const tab = await openTrackedPage(browser);
    const { page } = tab;
    await registerThroughOffer(browser, user, tab);
    await user.signOut(page);
    await user.enterEmail(page);
    const answer = await answerProtect(browser, { expectText: 'You can return to the previous app.' });
    expect(answer.asked).toBe('Sign in?');
    await user.expectHome(page);
    expect(await user.sessionTrusted(page)).toBe(true);
    // The session line: where the key this session signed in with lives.
    const line = page.locator('#key-protection');
    expect(await line.getAttribute('data-key-protection')).toBe('tpm');
    expect(await line.textContent()).toBe('Key protection: TPM (IBM (swtpm) swtpm).');
    const session = (await page.evaluate("fetch('/api/session').then((r) => r.json())")) as { keyProtection: unknown };
    expect(session.keyProtection).toEqual({ keyProtection: 'tpm', manufacturer: 'IBM (swtpm)', model: 'swtpm' });

    await page.locator(`#apps a[data-app="${stack.protectedAppName}"]`).click();
    await page.waitForURL(`${stack.demoApp.origin}/`, { timeout: 20_000 });
    expect(await page.locator('#device-trusted').textContent()).toBe('yes');
    await page.close();
  }, 120_000);
});
