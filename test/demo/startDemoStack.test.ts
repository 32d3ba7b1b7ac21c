/**
 * The demo stack starts everything on free ports: the portal answers, the emulated device is in
 * the portal's inventory (enrolled with a token, not by its own say-so), and close() frees every
 * port it used.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoStack, startDemoStack } from '../../dev/startDemoStack.js';
import { listDevices } from '../../portal/src/store/devices.js';
import { silentLogger } from '../../shared/node/createLogger.js';

/** Whether something can listen on 127.0.0.1:port right now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('startDemoStack', () => {
  let stack: DemoStack | undefined;

  beforeAll(async () => {
    stack = await startDemoStack({ portalPort: 0, daemonPort: 0, uv: 'auto', logger: silentLogger() });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('should serve the portal sign-in page when the stack has started', async () => {
    const res = await fetch(`http://127.0.0.1:${stack!.portal.port}/signin`, {
      headers: { host: `localhost:${stack!.portal.port}` },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('User Login');
    expect(stack!.portal.origin).toBe(`http://localhost:${stack!.portal.port}`);
  });

  it('should list the emulated device in the portal inventory when the stack has started', async () => {
    const devices = await listDevices(stack!.portal.db);
    expect(devices.map((d) => d.id)).toContain(stack!.device.deviceId);
    expect(stack!.device.enrolledNow).toBe(true);
  });

  it('should give the user a six-digit TOTP code and two assigned apps when seeded', async () => {
    expect(stack!.user.totpCode()).toMatch(/^\d{6}$/);
    expect(stack!.appName).not.toBe(stack!.protectedAppName);
    const res = await fetch(stack!.demoApp.origin);
    expect(res.status).toBe(200);
  });

  it('should free every port when closed', async () => {
    const ports = [
      stack!.portal.port,
      stack!.daemon.port,
      new URL(stack!.demoApp.origin).port,
      new URL(stack!.normalApp.origin).port,
    ].map(Number);
    await stack!.close();
    stack = undefined;
    for (const port of ports) expect(await isFree(port)).toBe(true);
  });

  it('should keep the device enrollment and TOTP account when restarted on the same data root and portal port', async () => {
    const dataRoot = await mkdtemp(join(tmpdir(), 'keybound-demo-restart-'));
    try {
      const first = await startDemoStack({ dataRoot, uv: 'auto', logger: silentLogger() });
      const before = first.device;
      // The same portal origin (port) as before: an enrollment belongs to one portal.
      const portalPort = first.portal.port;
      await first.close();
      const second = await startDemoStack({ dataRoot, portalPort, uv: 'auto', logger: silentLogger() });
      await second.close();
      expect(second.device).toEqual({ ...before, enrolledNow: false });
    } finally {
      await rm(dataRoot, { recursive: true, force: true });
    }
  });
});
