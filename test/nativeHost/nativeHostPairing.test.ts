/**
 * `keybound native-host` as the browser runs it (the installed launcher, the caller's origin as
 * argument, Chrome framing) against a real daemon: pre-authorised pairing without a prompt,
 * Protect-approved pairing whose approval URL comes back only over native messaging, an origin
 * the daemon does not allow, and a control socket that is not this user's.
 */
import { chmod } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlCall } from '../../daemon/src/control/controlClient.js';
import { installNativeHost } from '../../daemon/src/nativeHost/installNativeHost.js';
import { newInstall, TEST_EXTENSION_ID, TEST_EXTENSION_ORIGIN } from '../../dev/daemonClient.js';
import { sourceHostCommand, startHostProcess } from '../../dev/nativeHostProcess.js';
import { type HarnessDaemon, makeTempDir, startHarnessDaemon } from '../helpers/daemonHarness.js';

const OTHER_ID = 'abababababababababababababababab';

async function launcherFor(dataDir: string): Promise<string> {
  const [done] = await installNativeHost({
    browsers: ['chromium'],
    userDataDir: await makeTempDir('kb-prof-'),
    dataDir,
    extensionIds: [TEST_EXTENSION_ID, OTHER_ID],
    hostCommand: sourceHostCommand(),
  });
  return done!.launcherPath;
}

describe('native host, pre-authorised extension', () => {
  let daemon: HarnessDaemon;
  let launcher: string;
  beforeAll(async () => {
    daemon = await startHarnessDaemon({ uv: 'protect', preauthorizePairing: true });
    launcher = await launcherFor(daemon.dataDir);
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('discovers the port and pairs with no prompt; the secret is fresh per pairing', async () => {
    const host = startHostProcess(launcher, [`${TEST_EXTENSION_ORIGIN}/`]);
    const install = newInstall();
    host.send({ id: 'd1', type: 'discover', installId: install.installId });
    expect(await host.next((m) => m.id === 'd1')).toEqual({
      id: 'd1',
      ok: true,
      result: { port: daemon.port, daemonVersion: expect.any(String), paired: false },
    });
    host.send({ id: 'p1', type: 'pair', installId: install.installId });
    const pair = (await host.next((m) => m.id === 'p1')) as { ok: boolean; result: { port: number; secret: string } };
    expect(pair).toMatchObject({
      ok: true,
      result: { port: daemon.port, secret: expect.stringMatching(/^[\w-]{43}$/) },
    });
    expect(daemon.protect.pending()).toEqual([]);
    host.send({ id: 'd2', type: 'discover', installId: install.installId });
    expect(await host.next((m) => m.id === 'd2')).toMatchObject({ ok: true, result: { paired: true } });
    host.send({ id: 'p2', type: 'pair', installId: install.installId });
    const again = (await host.next((m) => m.id === 'p2')) as { result: { secret: string } };
    expect(again.result.secret).not.toBe(pair.result.secret);
    expect(await host.close()).toBe(0);
  });

  it('answers malformed input with a typed error and keeps serving', async () => {
    const host = startHostProcess(launcher, [`${TEST_EXTENSION_ORIGIN}/`]);
    host.send({ id: 'x1', type: 'pair', installId: 'short' });
    expect(await host.next((m) => m.id === 'x1')).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_MESSAGE' } });
    host.send({ id: 'x2', type: 'approve', protectId: 'whatever1' });
    expect(await host.next((m) => m.id === 'x2')).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_MESSAGE' } });
    host.send({ id: 'x3', type: 'discover' });
    expect(await host.next((m) => m.id === 'x3')).toMatchObject({ ok: true });
    await host.close();
  });

  it('refuses an extension the daemon does not allow, and a caller the browser did not name', async () => {
    const other = startHostProcess(launcher, [`chrome-extension://${OTHER_ID}/`]);
    other.send({ id: 'p', type: 'pair', installId: newInstall().installId });
    expect(await other.next((m) => m.id === 'p')).toMatchObject({
      ok: false,
      error: { code: 'ERR_BAD_ORIGIN', message: expect.stringContaining('allowExtensions') },
    });
    await other.close();
    const nobody = startHostProcess(launcher, []);
    nobody.send({ id: 'p', type: 'pair', installId: newInstall().installId });
    expect(await nobody.next((m) => m.id === 'p')).toMatchObject({ ok: false, error: { code: 'ERR_BAD_ORIGIN' } });
    await nobody.close();
  });

  it('refuses a data folder open to other users (ERR_CONTROL_SOCKET_UNSAFE)', async () => {
    await chmod(daemon.dataDir, 0o755);
    try {
      const host = startHostProcess(launcher, [`${TEST_EXTENSION_ORIGIN}/`]);
      host.send({ id: 'p', type: 'pair', installId: newInstall().installId });
      expect(await host.next((m) => m.id === 'p')).toMatchObject({
        ok: false,
        error: { code: 'ERR_CONTROL_SOCKET_UNSAFE' },
      });
      await host.close();
    } finally {
      await chmod(daemon.dataDir, 0o700);
    }
  });
});

describe('native host, extension allowed but not pre-authorised', () => {
  let daemon: HarnessDaemon;
  let launcher: string;
  beforeAll(async () => {
    daemon = await startHarnessDaemon({ uv: 'protect', preauthorizePairing: false });
    launcher = await launcherFor(daemon.dataDir);
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('asks Protect; the approval URL arrives over native messaging only, and approval pairs', async () => {
    const host = startHostProcess(launcher, [`${TEST_EXTENSION_ORIGIN}/`]);
    host.send({ id: 'p', type: 'pair', installId: newInstall().installId });
    const prompt = await host.next((m) => m.type === 'protect.request');
    expect(prompt).toEqual({
      id: 'p',
      type: 'protect.request',
      url: expect.stringMatching(
        new RegExp(`^http://127\\.0\\.0\\.1:${daemon.port}/protect/[\\w-]+\\?token=[\\w-]{43}$`),
      ),
    });
    const [pending] = daemon.protect.pending();
    expect(pending).toMatchObject({ action: 'pair', origin: TEST_EXTENSION_ORIGIN });
    // Another extension's host cannot fetch this request's approval URL.
    await expect(
      controlCall(daemon.dataDir, {
        op: 'protect.url',
        protectId: pending!.id,
        extensionOrigin: `chrome-extension://${OTHER_ID}`,
      }),
    ).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await controlCall(daemon.dataDir, { op: 'protect.approve', protectId: pending!.id });
    expect(await host.next((m) => m.id === 'p' && 'ok' in m)).toMatchObject({
      ok: true,
      result: { port: daemon.port },
    });
    await host.close();
  });

  it('a denied pairing is ERR_PAIRING_DENIED; closing the host cancels a waiting prompt', async () => {
    const host = startHostProcess(launcher, [`${TEST_EXTENSION_ORIGIN}/`]);
    host.send({ id: 'p', type: 'pair', installId: newInstall().installId });
    await host.next((m) => m.type === 'protect.request');
    await controlCall(daemon.dataDir, { op: 'protect.deny', protectId: daemon.protect.pending()[0]!.id });
    expect(await host.next((m) => m.id === 'p' && 'ok' in m)).toMatchObject({
      ok: false,
      error: { code: 'ERR_PAIRING_DENIED' },
    });
    host.send({ id: 'q', type: 'pair', installId: newInstall().installId });
    await host.next((m) => m.id === 'q' && m.type === 'protect.request');
    expect(daemon.protect.pending()).toHaveLength(1);
    await host.close();
    await expect.poll(() => daemon.protect.pending().length, { timeout: 10_000 }).toBe(0);
  });
});
