import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDaemonState, type TestDaemonState } from '../../../dev/openTestDaemonState.js';
import { sampleCreationOptions } from '../../../dev/sampleOptions.js';

const TOTP_URI = 'otpauth://totp/Keybound:ada?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Keybound';
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
async function setup(eligible = true) {
  const t = await openTestDaemonState({ eligible });
  cleanup.push(() => t.cleanup());
  return t;
}
async function register(t: TestDaemonState) {
  return t.state
    .createAuthenticator(t.protect)
    .register(
      { origin: 'http://localhost:3000', options: sampleCreationOptions() },
      { requestId: 'r', browser: 'chrome' },
    );
}

/** A stand-in for the portal's inventory endpoint on 127.0.0.1:0; records the requests it got. */
async function fakePortal(status: number, body: unknown) {
  const received: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      received.push({ url: req.url, method: req.method, body: JSON.parse(text) });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('DeviceControl', () => {
  it('should delete every device sign-in credential, its key and every TOTP account when Protect is uninstalled', async () => {
    const t = await setup();
    await register(t);
    await t.state.device.addTotp(TOTP_URI);
    const result = await t.state.device.uninstallProtect();
    expect(result).toMatchObject({ deletedCredentials: 1, deletedTotp: 1, profile: { protect: { installed: false } } });
    expect(t.state.credentials.count()).toBe(0);
    expect(await t.state.totp.list()).toEqual([]);
    expect((await t.state.keyStore.list()).map((k) => k.purpose)).toEqual(['device-identity']);
    expect((await t.state.device.show()).problem?.code).toBe('ERR_PROTECT_NOT_INSTALLED');
  });

  it('should need Protect opened and notifications on again after a reinstall', async () => {
    const t = await setup();
    await t.state.device.uninstallProtect();
    await t.state.device.installProtect('managed');
    expect((await t.state.device.show()).problem?.code).toBe('ERR_PROTECT_NOT_OPENED');
    await t.state.device.openProtect();
    expect((await t.state.device.show()).problem?.code).toBe('ERR_NOTIFICATIONS_OFF');
    await t.state.device.setNotifications(true);
    expect((await t.state.device.show()).eligible).toBe(true);
  });

  it('should refuse to open Protect with ERR_PROTECT_NOT_INSTALLED when it is not installed', async () => {
    const t = await setup(false);
    await expect(t.state.device.openProtect()).rejects.toMatchObject({ code: 'ERR_PROTECT_NOT_INSTALLED' });
  });

  it('should make a personal copy managed when the user approves the takeover under profile-driven enrollment', async () => {
    const t = await setup();
    await t.state.device.enroll({ type: 'apple-profile' });
    await t.state.device.installProtect('personal');
    await t.state.device.openProtect();
    await t.state.device.setNotifications(true);
    expect((await t.state.device.show()).problem?.code).toBe('ERR_PROTECT_TAKEOVER_PENDING');
    await t.state.device.approveTakeover();
    expect((await t.state.device.show()).eligible).toBe(true);
  });

  it('should remove a BYOD personal copy and its tokens when the user chooses remove', async () => {
    const t = await setup();
    await t.state.device.enroll({ type: 'apple-user' });
    await t.state.device.installProtect('personal');
    await t.state.device.openProtect();
    await t.state.device.setNotifications(true);
    expect((await t.state.device.show()).problem?.code).toBe('ERR_PROTECT_PERSONAL_COPY');
    await t.state.device.addTotp(TOTP_URI);
    await t.state.device.choosePersonalCopy('remove');
    expect((await t.state.device.show()).problem?.code).toBe('ERR_PROTECT_NOT_INSTALLED');
    expect(await t.state.totp.list()).toEqual([]);
  });

  it('should enroll with the portal inventory and keep the device id and organisation it returns', async () => {
    const t = await setup();
    const portal = await fakePortal(201, { deviceId: 'dev-42', organisation: 'Example Corp' });
    const profile = await t.state.device.enroll({
      type: 'desktop-agent',
      portal: portal.url,
      token: 'enroll-token',
      name: 'laptop',
    });
    expect(profile.enrollment).toMatchObject({
      state: 'enrolled',
      deviceId: 'dev-42',
      organisation: 'Example Corp',
      portal: portal.url,
    });
    expect(portal.received).toEqual([
      {
        url: '/api/devices/enroll',
        method: 'POST',
        body: {
          token: 'enroll-token',
          publicKey: { kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String) },
          enrollmentType: 'desktop-agent',
          platform: 'linux',
          name: 'laptop',
        },
      },
    ]);
    expect(await t.state.keyStore.publicKey(profile.enrollment.identityKeyRef as string)).toEqual(
      (portal.received[0] as { body: { publicKey: unknown } }).body.publicKey,
    );
  });

  it('should refuse with ERR_ENROLLMENT_TOKEN_INVALID and keep no new key when the portal rejects the token', async () => {
    const t = await setup(false);
    const portal = await fakePortal(401, { error: { code: 'ENROLLMENT_TOKEN_INVALID', message: 'bad token' } });
    await expect(
      t.state.device.enroll({ type: 'desktop-agent', portal: portal.url, token: 'nope' }),
    ).rejects.toMatchObject({
      code: 'ERR_ENROLLMENT_TOKEN_INVALID',
    });
    expect(await t.state.keyStore.list()).toEqual([]);
    expect((await t.state.profile.get()).enrollment.state).toBe('not-enrolled');
  });

  it('should refuse with ERR_ENROLLMENT_FAILED when the portal is not on this machine', async () => {
    const t = await setup(false);
    await expect(
      t.state.device.enroll({ type: 'desktop-agent', portal: 'https://portal.example.com', token: 't' }),
    ).rejects.toMatchObject({
      code: 'ERR_ENROLLMENT_FAILED',
    });
  });

  it('should delete the identity key when the device is unenrolled', async () => {
    const t = await setup(false);
    const profile = await t.state.device.enroll({ type: 'android-fully-managed', organisation: 'Example Corp' });
    expect(profile.platform).toBe('android');
    await t.state.device.unenroll();
    expect(await t.state.keyStore.list()).toEqual([]);
    expect((await t.state.device.show()).problem?.code).toBe('ERR_NOT_ENROLLED');
  });

  it('should give a TOTP code for an added account and ERR_ACCOUNT_NOT_FOUND for an unknown one', async () => {
    const t = await setup();
    const account = await t.state.device.addTotp(TOTP_URI);
    expect((await t.state.device.totpCode(account.id)).code).toMatch(/^\d{6}$/);
    await expect(t.state.device.totpCode('unknown-account')).rejects.toMatchObject({ code: 'ERR_ACCOUNT_NOT_FOUND' });
  });
});
