/**
 * Issue 8, item 3: `--device host` verifies the user through the OS — on Linux polkit, here
 * polkit's D-Bus API from python3-dbusmock's polkitd template on a private bus. A running daemon
 * (real device side, real WebSocket, real authenticator) asks polkit for every registration and
 * sign-in; the UV flag is set only after polkit said yes. Attacks: a denied check yields no
 * assertion; the requester never receives a Protect approval URL in host mode; abandoning the
 * request cancels the polkit check; with no authentication agent the answer is a typed error
 * with a sentence the user can act on.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDaemonState } from '../../daemon/src/openDaemonState.js';
import { POLKIT_ACTION_ID, PolkitVerifier } from '../../daemon/src/protect/os/PolkitVerifier.js';
import { connectPaired, newInstall, type TestInstall } from '../../dev/daemonClient.js';
import { makeDeviceEligible } from '../../dev/makeDeviceEligible.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { type HarnessDaemon, makeTempDir, startHarnessDaemon } from '../helpers/daemonHarness.js';
import { type PolkitMock, requirePolkitTestSupport, startPolkitMock } from '../helpers/polkitMock.js';

const ORIGIN = 'http://localhost:3000';
const RP_ID = 'localhost';
const supported = requirePolkitTestSupport();

let mock: PolkitMock;
let dataDir: string;
let daemon: HarnessDaemon;
let install: TestInstall;
let credentialId: string | undefined;
const savedAgentState = process.env.KEYBOUND_AGENT_STATE;

async function register(): Promise<Awaited<ReturnType<typeof verifyRegistrationResponse>>> {
  const client = await connectPaired(daemon, install);
  try {
    const options = await generateRegistrationOptions({
      rpName: 'Keybound Portal',
      rpID: RP_ID,
      userName: 'alice@example.com',
      authenticatorSelection: { userVerification: 'required' },
    });
    const { credential } = await client.call('register', { origin: ORIGIN, options });
    const verified = await verifyRegistrationResponse({
      response: credential as Parameters<typeof verifyRegistrationResponse>[0]['response'],
      expectedChallenge: options.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      requireUserVerification: true,
    });
    credentialId = verified.registrationInfo?.credential.id;
    return verified;
  } finally {
    await client.close();
  }
}

async function signInOptions() {
  return generateAuthenticationOptions({
    rpID: RP_ID,
    allowCredentials: credentialId ? [{ id: credentialId }] : [],
    userVerification: 'required',
  });
}

describe.skipIf(!supported)('host mode: user verification through polkit', () => {
  beforeAll(async () => {
    mock = await startPolkitMock();
    dataDir = await makeTempDir();
    // Enrollment comes from the OS in host mode (the Linux agent's state file); Protect's
    // prerequisites from device.json, as on a managed desktop.
    const agentState = join(dataDir, 'agent-enrollment.json');
    await writeFile(agentState, JSON.stringify({ enrolled: true, organisation: 'Acme' }));
    process.env.KEYBOUND_AGENT_STATE = agentState;
    const state = await openDaemonState({ dataDir, device: 'emulator', logger: silentLogger() });
    await makeDeviceEligible(state.device);
    await state.close();
    daemon = await startHarnessDaemon({
      dataDir,
      openDeviceSide: undefined,
      device: 'host',
      uv: 'protect',
      preauthorizePairing: true,
      // The daemon's own polkit verifier, pointed at the mock's bus. (Not the platform default:
      // CI runs as root, and the default refuses a root daemon — see createOsVerifier.)
      osVerifier: new PolkitVerifier({ logger: silentLogger(), busAddress: mock.address }),
    });
    install = newInstall();
  });
  afterAll(async () => {
    await daemon?.stop();
    await mock?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    restore('KEYBOUND_AGENT_STATE', savedAgentState);
  });

  it('should register with UV set only after polkit authorised the daemon process for dev.keybound.verify-user', async () => {
    await mock.clearCalls();
    await mock.setAllowed([POLKIT_ACTION_ID]);
    const verified = await register();
    expect(verified.verified).toBe(true);
    expect(verified.registrationInfo?.userVerified).toBe(true);

    const calls = await mock.calls('CheckAuthorization');
    expect(calls).toHaveLength(1);
    const [subject, actionId, details, flags] = calls[0]?.args ?? [];
    expect(subject).toMatchObject(['unix-process', { pid: process.pid, uid: process.getuid?.() }]);
    expect(actionId).toBe(POLKIT_ACTION_ID);
    expect(flags).toBe(1);
    expect(details).toMatchObject({ request: 'register', portal: ORIGIN, site: RP_ID, account: 'alice@example.com' });
  });

  it('should refuse the sign-in with ERR_USER_DENIED and produce no assertion when polkit denies', async () => {
    await mock.setAllowed([]);
    const client = await connectPaired(daemon, install);
    try {
      const options = await signInOptions();
      const answer = await client.request('signIn', { origin: ORIGIN, options });
      expect(answer.ok).toBe(false);
      expect(answer.ok ? undefined : answer.error.code).toBe('ERR_USER_DENIED');
      expect(JSON.stringify(client.events)).not.toContain('/protect/');
    } finally {
      await client.close();
    }
  });

  it('should never hand the requester a Protect approval URL, and cancel the polkit check when it goes away', async () => {
    await mock.clearCalls();
    await mock.setAllowed([POLKIT_ACTION_ID]);
    await mock.setHang(true);
    try {
      const client = await connectPaired(daemon, install);
      const options = await signInOptions();
      void client.request('signIn', { origin: ORIGIN, options }).catch(() => undefined);
      await waitUntil(async () => (await mock.calls('CheckAuthorization')).length === 1);
      // The check is waiting for the user: nothing in the Protect queue, nothing to approve with.
      expect(daemon.protect.pending()).toEqual([]);
      expect(client.events.filter((e) => (e as { event?: string }).event === 'protect.request')).toEqual([]);
      await client.close();
      await waitUntil(async () => (await mock.calls('CancelCheckAuthorization')).length === 1);
      const [check] = await mock.calls('CheckAuthorization');
      const [cancel] = await mock.calls('CancelCheckAuthorization');
      expect(cancel?.args).toEqual([check?.args[4]]);
    } finally {
      await mock.setHang(false);
      await mock.releaseHanging();
    }
  });

  it('should cancel the polkit check when the requester cancels its request (protocol cancel)', async () => {
    await mock.clearCalls();
    await mock.setHang(true);
    const client = await connectPaired(daemon, install);
    try {
      const options = await signInOptions();
      const answer = client.request('signIn', { origin: ORIGIN, options }, 'held');
      await waitUntil(async () => (await mock.calls('CheckAuthorization')).length === 1);
      expect(await client.call('cancel', { requestId: 'held' })).toEqual({ cancelled: true });
      expect(await answer).toMatchObject({ ok: false });
      await waitUntil(async () => (await mock.calls('CancelCheckAuthorization')).length === 1);
    } finally {
      await client.close();
      await mock.setHang(false);
      await mock.releaseHanging();
    }
  });

  it('should sign in with UV once polkit authorises', async () => {
    await mock.setAllowed([POLKIT_ACTION_ID]);
    const client = await connectPaired(daemon, install);
    try {
      const { credential } = await client.call('signIn', { origin: ORIGIN, options: await signInOptions() });
      const flags = Buffer.from(credential.response.authenticatorData, 'base64url')[32] ?? 0;
      expect(flags & 0x04).toBe(0x04); // UV
    } finally {
      await client.close();
    }
  });

  it('should answer ERR_UV_NO_AGENT with a sentence the user can act on when no polkit agent can ask', async () => {
    await mock.scriptCheck('ret = (False, True, {})');
    const client = await connectPaired(daemon, install);
    try {
      const answer = await client.request('signIn', { origin: ORIGIN, options: await signInOptions() });
      expect(answer.ok ? undefined : answer.error).toMatchObject({
        code: 'ERR_UV_NO_AGENT',
        message: expect.stringMatching(/No polkit authentication agent is running.*then try again/),
      });
    } finally {
      await client.close();
    }
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
