/** Restarting the portal on the same database loses nothing: users, devices, credentials, sessions. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCredentials } from '../../portal/src/store/credentials.js';
import { listDevices } from '../../portal/src/store/devices.js';
import { listUsers } from '../../portal/src/store/users.js';
import {
  addTestUser,
  deviceSignIn,
  registerEnrolledDevice,
  sessionInfo,
  startTestPortal,
  type TestPortal,
} from './helpers/portalTestKit.js';

describe('portal restart', () => {
  let kit: TestPortal;
  beforeEach(async () => {
    kit = await startTestPortal();
  });
  afterEach(async () => {
    await kit.close();
  });

  it('should keep users, devices, credentials and sessions when the portal restarts', async () => {
    const user = await addTestUser(kit, 'ada@example.com', { mfa: true });
    const { device, client: passwordClient } = await registerEnrolledDevice(kit, user);
    const deviceClient = kit.client();
    expect((await deviceSignIn(deviceClient, device, user.email)).status).toBe(200);

    await kit.restart();

    expect((await listUsers(kit.portal.db)).map((u) => u.email)).toEqual(['ada@example.com']);
    expect((await listDevices(kit.portal.db)).map((d) => d.id)).toEqual([device.deviceId]);
    expect(await listCredentials(kit.portal.db)).toHaveLength(1);
    expect(await sessionInfo(passwordClient)).toMatchObject({ signedIn: true, method: 'password+mfa' });
    expect(await sessionInfo(deviceClient)).toMatchObject({ signedIn: true, method: 'device', trusted: true });
    // The counter survived too: the next sign-in must go above it.
    expect((await deviceSignIn(kit.client(), device, user.email)).status).toBe(200);
    expect((await listCredentials(kit.portal.db))[0]?.counter).toBe(2);
  });
});
