/**
 * Posture policy over real HTTP: a software DBSC client refreshes with a posture statement signed
 * by the device identity key; `warn` shows the banner and fix-it text, then blocks after its grace
 * period (the portal's clock is injected); `report` changes only the audit log and the device list.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceList } from '../../portal/src/admin/adminActions.js';
import { policyList, policySet } from '../../portal/src/posture/postureAdminActions.js';
import { listAudit } from '../../portal/src/store/audit.js';
import type { PostureSignals } from '../../shared/device/postureSchema.js';
import { SoftwareDbscClient } from '../helpers/SoftwareDbscClient.js';
import {
  addTestUser,
  deviceSignIn,
  registerEnrolledDevice,
  startTestPortal,
  type TestPortal,
  type TestUser,
} from './helpers/portalTestKit.js';

const HEALTHY: PostureSignals = {
  osName: 'Debian GNU/Linux',
  osVersion: '12',
  diskEncryption: 'on',
  firewall: 'on',
  screenLock: 'on',
  protect: 'ready',
  keyProtection: 'software',
};
const DAY = 24 * 60 * 60_000;

describe('posture policy', () => {
  let kit: TestPortal;
  let user: TestUser;
  beforeEach(async () => {
    kit = await startTestPortal();
    user = await addTestUser(kit, 'ada@example.com', { mfa: true });
  });
  afterEach(async () => {
    await kit.close();
  });

  async function boundDevice(
    posture: PostureSignals,
    device?: Awaited<ReturnType<typeof registerEnrolledDevice>>['device'],
  ) {
    const d = device ?? (await registerEnrolledDevice(kit, user)).device;
    const client = kit.client();
    const signIn = await deviceSignIn(client, d, user.email);
    const dbsc = new SoftwareDbscClient(
      client,
      { deviceId: d.deviceId as string, sign: (x) => d.identitySign(x) },
      () => kit.clock.now,
    );
    expect((await dbsc.registerFrom(signIn)).status).toBe(200);
    dbsc.posture = posture;
    return { device: d, client, dbsc };
  }

  it('should show the banner and fix-it text for a failing warn rule, then block after the grace period', async () => {
    await policySet(kit.portal.db, kit.clock.now, { rule: 'firewall', mode: 'warn', graceDays: 2 });
    const { device, client, dbsc } = await boundDevice({ ...HEALTHY, firewall: 'off' });
    expect((await dbsc.refresh()).status).toBe(200);
    const home = await client.request('/');
    expect(home.body).toContain('id="posture-banner" class="banner warn"');
    expect(home.body).toContain('Turn on the firewall');
    expect(home.body).toContain(new Date(kit.clock.now + 2 * DAY).toISOString().slice(0, 10));
    const health = await client.request('/device-health');
    expect(health.body).toMatch(/data-rule="firewall" data-state="fail" data-mode="warn"/);

    // Two days later the device signs in again and still has no firewall: the rule now blocks.
    kit.clock.advance(2 * DAY + 1);
    const later = await boundDevice({ ...HEALTHY, firewall: 'off' }, device);
    const homeLater = await later.client.request('/');
    expect(homeLater.body).toContain('id="posture-banner" class="banner blocked" data-rule="firewall"');
    const refused = await later.dbsc.refresh();
    expect(refused.status).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'ERR_POSTURE_BLOCKED' });
    expect((refused.json() as { message: string }).message).toContain('Posture rule "firewall" (Firewall on)');
    expect((await listAudit(kit.portal.db)).filter((e) => e.details.code === 'ERR_POSTURE_BLOCKED')).toHaveLength(1);
    expect((await later.client.request('/api/session')).json()).toMatchObject({ signedIn: false });

    // Fixed: the next sign-in passes.
    const fixed = await boundDevice(HEALTHY, device);
    expect((await fixed.dbsc.refresh()).status).toBe(200);
  });

  it('should change only the audit log and the device list for a report rule', async () => {
    await policySet(kit.portal.db, kit.clock.now, { rule: 'screen-lock', mode: 'report' });
    expect(await policyList(kit.portal.db, kit.clock.now)).toMatchObject([{ rule: 'screen-lock', mode: 'report' }]);
    const { device, client, dbsc } = await boundDevice({ ...HEALTHY, screenLock: 'off' });
    expect((await dbsc.refresh()).status).toBe(200);
    expect((await client.request('/')).body).not.toContain('posture-banner');
    const changed = (await listAudit(kit.portal.db)).filter((e) => e.event === 'posture.changed');
    expect(changed.at(-1)).toMatchObject({ deviceId: device.deviceId, details: { failing: ['screen-lock:report'] } });
    expect((await deviceList(kit.portal.db, kit.clock.now)).find((d) => d.id === device.deviceId)?.posture).toBe(
      'screen-lock fail (report)',
    );
    kit.clock.advance(200_000);
    expect((await dbsc.refresh()).status).toBe(200);
    expect((await client.request('/api/session')).json()).toMatchObject({ signedIn: true });
  });

  it('should refuse a refresh whose posture statement is signed by another device', async () => {
    const { dbsc } = await boundDevice(HEALTHY);
    const other = await registerEnrolledDevice(kit, await addTestUser(kit, 'eve@example.com'));
    const forged = new SoftwareDbscClient(
      dbsc.jar,
      { deviceId: other.device.deviceId as string, sign: (x) => other.device.identitySign(x) },
      () => kit.clock.now,
    );
    Object.assign(forged, {
      keyPair: dbsc.keyPair,
      sessionId: dbsc.sessionId,
      refreshUrl: dbsc.refreshUrl,
      posture: HEALTHY,
    });
    const res = await forged.sendRefresh(await forged.refreshProof(dbsc.cachedChallenge as string));
    expect(res.json()).toMatchObject({ code: 'ERR_DEVICE_STATEMENT_INVALID' });
  });
});
