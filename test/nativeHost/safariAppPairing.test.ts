/**
 * What Safari's containing app asks the daemon over the control socket (decision 0042,
 * COMPAT(untested: no macOS here) for the app itself): a Safari origin pairs through the same
 * `native.pair`, is never pre-authorised (its origin is random per install), and once the user
 * approved, the pairing secret authenticates the Safari extension's WebSocket at the upgrade.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPaired, newInstall, startNativePairing } from '../../dev/daemonClient.js';
import { type HarnessDaemon, startHarnessDaemon } from '../helpers/daemonHarness.js';

const SAFARI = 'safari-web-extension://0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D';

describe("Safari's containing app pairing through the control socket", () => {
  let daemon: HarnessDaemon;
  beforeAll(async () => {
    daemon = await startHarnessDaemon({ uv: 'protect', preauthorizePairing: true, protectTimeoutMs: 60_000 });
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('should ask the user even where Chrome pairing is pre-authorised, then authenticate the Safari origin at the upgrade', async () => {
    const install = newInstall();
    const started = startNativePairing(daemon.dataDir, install, SAFARI);
    const prompt = await started.prompt;
    expect(daemon.protect.pending().map((p) => p.id)).toEqual([prompt.protectId]);
    daemon.protect.decide(prompt.protectId, 'approve');
    expect(await started.pairing).toMatchObject({ secret: expect.stringMatching(/^[\w-]{43}$/) });
    const client = await connectPaired(daemon, install, SAFARI);
    expect(await client.call('ping')).toEqual({ pong: true });
    await client.close();
  });

  it('should refuse a denied Safari pairing with ERR_PAIRING_DENIED', async () => {
    const install = newInstall();
    const started = startNativePairing(daemon.dataDir, install, SAFARI);
    daemon.protect.decide((await started.prompt).protectId, 'deny');
    expect(await started.pairing).toMatchObject({ code: 'ERR_PAIRING_DENIED' });
    expect(install.secret).toBeUndefined();
  });
});
