/**
 * The page API's register and signIn through the real extension and a real daemon (eligible
 * emulated device, `--uv auto`), verified with @simplewebauthn/server exactly as a portal would:
 * the credential's origin is the tab's origin as the browser reports it.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callPageApi, launchWithExtension, openPage, waitForKeyboundReady } from '../../dev/browser.js';
import type { PageResultOf } from '../../shared/protocol/pageApi.js';
import { type ExtensionPageStack, startExtensionPageStack } from '../helpers/startExtensionPageStack.js';

describe('page API register and signIn', () => {
  let stack: ExtensionPageStack;

  beforeAll(async () => {
    stack = await startExtensionPageStack({ eligible: true });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('should register and then sign in when the page asks with portal-issued options', async () => {
    const page = await openPage(stack.browser.context, `${stack.server.localhostOrigin}/`);
    expect(await waitForKeyboundReady(page)).toBe(true);
    const status = await callPageApi(page, 'status', { userName: 'alice@example.com' });
    expect(status).toMatchObject({
      ok: true,
      result: { daemon: 'connected', eligibility: { eligible: true }, registered: false },
    });

    const creation = await generateRegistrationOptions({
      rpName: 'Test portal',
      rpID: 'localhost',
      userName: 'alice@example.com',
      attestationType: 'none',
      authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' },
      supportedAlgorithmIDs: [-7],
    });
    const registered = await callPageApi(page, 'register', { options: creation }, 60_000);
    expect(registered.ok, JSON.stringify(registered)).toBe(true);
    const { credential, deviceStatement } = (registered as { result: PageResultOf<'register'> }).result;
    expect(deviceStatement.split('.')).toHaveLength(3);
    const registration = await verifyRegistrationResponse({
      response: credential,
      expectedChallenge: creation.challenge,
      expectedOrigin: stack.server.localhostOrigin,
      expectedRPID: 'localhost',
      requireUserVerification: true,
    });
    expect(registration.verified).toBe(true);
    const info = registration.registrationInfo!;

    const request = await generateAuthenticationOptions({
      rpID: 'localhost',
      allowCredentials: [{ id: info.credential.id }],
      userVerification: 'required',
    });
    // Malformed requests pass the content script's envelope check and are refused by the worker's
    // strict page schema with ERR_INVALID_MESSAGE; nothing is signed for them (counter below).
    for (const payload of [{ options: request, origin: 'https://bank.example' }, { options: { ...request, x: 1 } }]) {
      expect(await callPageApi(page, 'signIn', payload)).toMatchObject({
        ok: false,
        error: { code: 'ERR_INVALID_MESSAGE' },
      });
    }
    const signedIn = await callPageApi(page, 'signIn', { options: request }, 60_000);
    expect(signedIn.ok, JSON.stringify(signedIn)).toBe(true);
    const assertion = await verifyAuthenticationResponse({
      response: (signedIn as { result: PageResultOf<'signIn'> }).result.credential,
      expectedChallenge: request.challenge,
      expectedOrigin: stack.server.localhostOrigin,
      expectedRPID: 'localhost',
      credential: info.credential,
      requireUserVerification: true,
    });
    expect(assertion.verified).toBe(true);
    expect(assertion.authenticationInfo.newCounter).toBe(info.credential.counter + 1);

    expect(await callPageApi(page, 'status', { userName: 'alice@example.com' })).toMatchObject({
      ok: true,
      result: { registered: true },
    });
  });

  it('should show the connection, device, registration and toggle in the popup when connected', async () => {
    const popup = await openPage(
      stack.browser.context,
      `chrome-extension://${stack.browser.extensionId}/src/popup/popup.html`,
    );
    await expect
      .poll(() => popup.getByTestId('connection').textContent(), { timeout: 15_000 })
      .toContain('Connected to the Keybound daemon');
    expect(await popup.getByTestId('device').textContent()).toContain('Desktop agent enrollment');
    expect(await popup.getByTestId('portals').textContent()).toBe(`${stack.server.localhostOrigin}: registered`);
    const toggle = popup.locator('#device-signin');
    await expect.poll(() => toggle.isEnabled(), { timeout: 10_000 }).toBe(true);
    expect(await toggle.isChecked()).toBe(true);

    await toggle.uncheck();
    await expect.poll(() => popup.getByTestId('problem').textContent(), { timeout: 10_000 }).toBeTruthy();
    expect(await toggle.isChecked()).toBe(false);
    expect(await popup.getByTestId('problem-fix').textContent()).toContain('Switch device sign-in on');
    await toggle.check();
    await expect.poll(() => popup.locator('#problem').isHidden(), { timeout: 10_000 }).toBe(true);
    await popup.close();
  });

  it('should tell the user and the page, in words IT can act on, when the native messaging host is missing', async () => {
    // No `native-host install` for this profile: the extension cannot learn the port or pair.
    const other = await launchWithExtension({
      settings: { portalOrigins: [stack.server.localhostOrigin], daemonPort: stack.daemon.port },
    });
    try {
      const page = await openPage(other.context, `${stack.server.localhostOrigin}/`);
      expect(await waitForKeyboundReady(page)).toBe(true);
      expect(await callPageApi(page, 'status', {})).toMatchObject({
        ok: true,
        result: {
          daemon: 'unavailable',
          eligibility: {
            eligible: false,
            problem: {
              code: 'ERR_NATIVE_HOST_UNAVAILABLE',
              message: expect.stringContaining('keybound native-host install'),
            },
          },
        },
      });
      const popup = await openPage(other.context, `chrome-extension://${other.extensionId}/src/popup/popup.html`);
      await expect
        .poll(() => popup.getByTestId('problem-fix').textContent(), { timeout: 15_000 })
        .toContain('keybound native-host install');
      expect(await popup.getByTestId('problem').textContent()).toContain('native messaging host');
    } finally {
      await other.close();
    }
  });
});
