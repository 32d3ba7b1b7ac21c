/**
 * A requester abandons its own pending sign-in (`cancel`): the Protect prompt for it ends at once
 * as cancelled — no longer pending, no longer approvable with its token — and the requester's
 * request ends with an error. A `cancel` for another connection's request, or an unknown one,
 * cancels nothing.
 */
import { rm } from 'node:fs/promises';
import { generateRegistrationOptions } from '@simplewebauthn/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlCall } from '../../daemon/src/control/controlClient.js';
import { openDaemonState } from '../../daemon/src/openDaemonState.js';
import { connectPaired, newInstall, type TestInstall } from '../../dev/daemonClient.js';
import { makeDeviceEligible } from '../../dev/makeDeviceEligible.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { type HarnessDaemon, makeTempDir, startHarnessDaemon } from '../helpers/daemonHarness.js';

const ORIGIN = 'http://localhost:3000';

let dataDir: string;
let daemon: HarnessDaemon;
let install: TestInstall;

const registrationOptions = (userName: string) =>
  generateRegistrationOptions({
    rpName: 'Example',
    rpID: 'localhost',
    userName,
    authenticatorSelection: { userVerification: 'required' },
  });

const pending = async () =>
  ((await controlCall(dataDir, { op: 'protect.pending' })) as { pending: { id: string }[] }).pending;

beforeAll(async () => {
  dataDir = await makeTempDir();
  const state = await openDaemonState({ dataDir, device: 'emulator', logger: silentLogger() });
  await makeDeviceEligible(state.device);
  await state.close();
  daemon = await startHarnessDaemon({ dataDir, openDeviceSide: undefined, preauthorizePairing: true, uv: 'protect' });
  install = newInstall();
});

afterAll(async () => {
  await daemon?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('cancel', () => {
  it('should end the Protect prompt of the requester’s own pending request as cancelled', async () => {
    const client = await connectPaired(daemon, install);
    const options = await registrationOptions('ada@example.com');
    const registering = client.request('register', { origin: ORIGIN, options }, 'reg-1');
    const asked = await client.waitForEvent((e) => e.event === 'protect.request');
    expect((await pending()).map((p) => p.id)).toEqual([asked.protectId]);

    expect(await client.request('cancel', { requestId: 'reg-1' })).toEqual({ ok: true, result: { cancelled: true } });
    const answer = await registering;
    expect(answer.ok).toBe(false);
    expect(await pending()).toEqual([]);
    // Protect learns it is over (the extension closes the window on this event).
    const done = await client.waitForEvent((e) => e.event === 'protect.done' && e.protectId === asked.protectId);
    expect(done).toMatchObject({ event: 'protect.done', requestId: 'reg-1', outcome: 'cancelled' });
    // The prompt cannot be approved any more, by the CLI or anyone.
    await expect(controlCall(dataDir, { op: 'protect.approve', protectId: asked.protectId })).rejects.toThrow(
      'No pending Protect request',
    );
    await client.close();
  });

  it('should not cancel another connection’s request, nor an unknown one', async () => {
    const owner = await connectPaired(daemon, install);
    const other = await connectPaired(daemon, install);
    const options = await registrationOptions('bob@example.com');
    const registering = owner.request('register', { origin: ORIGIN, options }, 'reg-2');
    const asked = await owner.waitForEvent((e) => e.event === 'protect.request' && e.requestId === 'reg-2');
    // Request ids are per connection: the same id on another connection is not this request.
    expect(await other.request('cancel', { requestId: 'reg-2' })).toEqual({ ok: true, result: { cancelled: false } });
    expect(await other.request('cancel', { requestId: 'no-such' })).toEqual({ ok: true, result: { cancelled: false } });
    expect((await pending()).map((p) => p.id)).toEqual([asked.protectId]);
    expect(await owner.request('cancel', { requestId: 'reg-2' })).toEqual({ ok: true, result: { cancelled: true } });
    expect((await registering).ok).toBe(false);
    await owner.close();
    await other.close();
  });
});
