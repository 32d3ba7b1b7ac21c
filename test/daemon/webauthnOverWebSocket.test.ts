/**
 * Done-when #2: register and sign in against a running daemon (real device side: sealed key
 * store, SQLite credentials, emulated enrolled device) over a real WebSocket, as a paired
 * extension would; verify both with @simplewebauthn/server; refuse a wrong origin, a replayed
 * and a tampered response; counters increase across a daemon restart on the same data dir.
 */
import { rm } from 'node:fs/promises';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlCall } from '../../daemon/src/control/controlClient.js';
import { openDaemonState } from '../../daemon/src/openDaemonState.js';
import { connectPaired, newInstall, type TestInstall } from '../../dev/daemonClient.js';
import { makeDeviceEligible } from '../../dev/makeDeviceEligible.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import type { ResultOf } from '../../shared/protocol/index.js';
import { fromBase64url, toBase64url } from '../../shared/webauthn/base64url.js';
import { type HarnessDaemon, makeTempDir, startHarnessDaemon } from '../helpers/daemonHarness.js';

const ORIGIN = 'http://localhost:3000';
const RP_ID = 'localhost';

let dataDir: string;
let daemon: HarnessDaemon;
let install: TestInstall;
let registered: { id: string; publicKey: Uint8Array<ArrayBuffer>; counter: number };

/** An enrolled, eligible emulated device (prerequisites 1–4 met). */
async function prepareDevice(dir: string): Promise<void> {
  const state = await openDaemonState({ dataDir: dir, device: 'emulator', logger: silentLogger() });
  await makeDeviceEligible(state.device);
  await state.close();
}

const start = () => startHarnessDaemon({ dataDir, openDeviceSide: undefined, preauthorizePairing: true, uv: 'auto' });

beforeAll(async () => {
  dataDir = await makeTempDir();
  await prepareDevice(dataDir);
  daemon = await start();
  install = newInstall();
});
afterAll(async () => {
  await daemon?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function signIn(): Promise<{ result: ResultOf<'signIn'>; challenge: string }> {
  const client = await connectPaired(daemon, install);
  const options = await generateAuthenticationOptions({
    rpID: RP_ID,
    allowCredentials: [{ id: registered.id }],
    userVerification: 'required',
  });
  const result = await client.call('signIn', { origin: ORIGIN, options });
  await client.close();
  return { result, challenge: options.challenge };
}

function verifySignIn(response: ResultOf<'signIn'>['credential'], challenge: string, origin = ORIGIN) {
  return verifyAuthenticationResponse({
    response: response as Parameters<typeof verifyAuthenticationResponse>[0]['response'],
    expectedChallenge: challenge,
    expectedOrigin: origin,
    expectedRPID: RP_ID,
    credential: registered,
    requireUserVerification: true,
  });
}

describe('WebAuthn over the daemon WebSocket', () => {
  it('should register a credential that @simplewebauthn/server verifies', async () => {
    const client = await connectPaired(daemon, install);
    const options = await generateRegistrationOptions({
      rpName: 'Keybound Portal',
      rpID: RP_ID,
      userName: 'alice@acme.test',
      attestationType: 'none',
      supportedAlgorithmIDs: [-7],
      authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' },
    });
    const result = await client.call('register', { origin: ORIGIN, options });
    await client.close();
    expect(result.deviceStatement).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const response = result.credential as Parameters<typeof verifyRegistrationResponse>[0]['response'];
    const verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: options.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      requireUserVerification: true,
    });
    expect(verification.verified).toBe(true);
    const info = verification.registrationInfo!;
    expect(info.userVerified).toBe(true);
    registered = {
      id: info.credential.id,
      publicKey: info.credential.publicKey as Uint8Array<ArrayBuffer>,
      counter: info.credential.counter,
    };

    await expect(
      verifyRegistrationResponse({
        response,
        expectedChallenge: options.challenge,
        expectedOrigin: 'http://localhost:4000',
        expectedRPID: RP_ID,
      }),
    ).rejects.toThrow(/origin/i);
  });

  it('should sign in with increasing counters and refuse a wrong origin, a replay and a tampered response', async () => {
    const first = await signIn();
    const verified = await verifySignIn(first.result.credential, first.challenge);
    expect(verified.verified).toBe(true);
    expect(verified.authenticationInfo.userVerified).toBe(true);
    expect(verified.authenticationInfo.newCounter).toBeGreaterThan(registered.counter);

    await expect(verifySignIn(first.result.credential, first.challenge, 'https://evil.example')).rejects.toThrow(
      /origin/i,
    );

    registered.counter = verified.authenticationInfo.newCounter;
    // Replayed: the same response again, now that the portal stored the new counter.
    await expect(verifySignIn(first.result.credential, first.challenge)).rejects.toThrow(/counter/i);

    const second = await signIn();
    const signature = fromBase64url(second.result.credential.response.signature);
    signature[signature.length - 1] = (signature[signature.length - 1] as number) ^ 0x01;
    const tampered = {
      ...second.result.credential,
      response: { ...second.result.credential.response, signature: toBase64url(signature) },
    };
    // A flipped signature bit is either refused outright or reported as not verified.
    expect(
      await verifySignIn(tampered, second.challenge).then(
        (v) => v.verified,
        () => false,
      ),
    ).toBe(false);
    // Replayed against a new challenge: the signed challenge no longer matches.
    const third = await signIn();
    await expect(verifySignIn(second.result.credential, third.challenge)).rejects.toThrow(/challenge/i);
    const ok = await verifySignIn(third.result.credential, third.challenge);
    expect(ok.verified).toBe(true);
    registered.counter = ok.authenticationInfo.newCounter;
  });

  it('should keep the pairing and increase the counter when the daemon restarts on the same data dir', async () => {
    const before = registered.counter;
    await daemon.close();
    daemon = await start();
    const { result, challenge } = await signIn();
    const verified = await verifySignIn(result.credential, challenge);
    expect(verified.verified).toBe(true);
    expect(verified.authenticationInfo.newCounter).toBeGreaterThan(before);
  });

  it('should list, switch off and delete the credential through the control socket (keybound protect)', async () => {
    const { accounts } = (await controlCall(dataDir, { op: 'accounts.list' })) as ResultOf<'accounts.list'>;
    const account = accounts.find((a) => a.kind === 'device-signin' && a.id === registered.id);
    expect(account).toMatchObject({ rpId: RP_ID, userName: 'alice@acme.test', counter: registered.counter + 1 });

    await controlCall(dataDir, { op: 'settings.deviceSignIn', on: false });
    await expect(signIn()).rejects.toMatchObject({ code: 'ERR_DEVICE_SIGNIN_DISABLED' });
    await controlCall(dataDir, { op: 'settings.deviceSignIn', on: true });

    await controlCall(dataDir, { op: 'accounts.delete', accountId: registered.id });
    await expect(signIn()).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_NOT_FOUND' });
    const status = (await controlCall(dataDir, { op: 'status' })) as {
      credentials: unknown[];
      pairedExtensions: unknown[];
    };
    expect(status.credentials).toHaveLength(0);
    expect(status.pairedExtensions).toHaveLength(1);
  });
});
