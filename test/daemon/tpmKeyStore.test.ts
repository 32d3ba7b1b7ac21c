/**
 * Issue 10, done-when 1: the daemon with `--key-store tpm` against a real swtpm. Register and
 * sign in over the WebSocket (verified by @simplewebauthn/server); the data dir holds no
 * private key material (every window of every file tried as a P-256 scalar); a copy of the
 * data dir on another TPM cannot sign and says why; a TPM restart with its state kept loses
 * nothing. Each test run starts its own swtpm instances on free ports and stops them by PID.
 */
import { cp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDaemonState } from '../../daemon/src/openDaemonState.js';
import { connectPaired, newInstall, type TestInstall } from '../../dev/daemonClient.js';
import { makeDeviceEligible } from '../../dev/makeDeviceEligible.js';
import { type Swtpm, startSwtpm, swtpmInstalled } from '../../dev/startSwtpm.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { type HarnessDaemon, makeTempDir, startHarnessDaemon } from '../helpers/daemonHarness.js';
import { findPrivateKeyMaterial } from '../helpers/findPrivateKeyMaterial.js';

const ORIGIN = 'http://localhost:3000';
const RP_ID = 'localhost';
const run = swtpmInstalled() || process.env.CI === 'true';

describe.runIf(run)('daemon with --key-store tpm (swtpm)', () => {
  let tpm: Swtpm;
  let other: Swtpm;
  let dataDir: string;
  let daemon: HarnessDaemon | undefined;
  const install: TestInstall = newInstall();
  let credential: { id: string; publicKey: Uint8Array<ArrayBuffer>; counter: number };
  const start = () =>
    startHarnessDaemon({
      dataDir,
      openDeviceSide: undefined,
      keyStore: 'tpm',
      tpm: tpm.address,
      preauthorizePairing: true,
      uv: 'auto',
    });

  beforeAll(async () => {
    [tpm, other] = await Promise.all([startSwtpm(), startSwtpm()]);
    dataDir = await makeTempDir();
    const state = await openDaemonState({
      dataDir,
      device: 'emulator',
      logger: silentLogger(),
      keyStoreChoice: 'tpm',
      tpm: tpm.address,
    });
    await makeDeviceEligible(state.device);
    await state.close();
    daemon = await start();
  }, 120_000);
  afterAll(async () => {
    await daemon?.stop();
    await Promise.all([tpm?.stop(), other?.stop()]);
    await rm(dataDir, { recursive: true, force: true });
  });

  async function signIn(): Promise<boolean> {
    const client = await connectPaired((daemon as HarnessDaemon).url, install);
    const options = await generateAuthenticationOptions({
      rpID: RP_ID,
      allowCredentials: [{ id: credential.id }],
      userVerification: 'required',
    });
    const result = await client.call('signIn', { origin: ORIGIN, options });
    await client.close();
    const v = await verifyAuthenticationResponse({
      response: result.credential as Parameters<typeof verifyAuthenticationResponse>[0]['response'],
      expectedChallenge: options.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      credential,
      requireUserVerification: true,
    });
    credential.counter = v.authenticationInfo.newCounter;
    return v.verified;
  }

  it('should register and sign in with keys that live in the TPM', async () => {
    const client = await connectPaired((daemon as HarnessDaemon).url, install);
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
    const v = await verifyRegistrationResponse({
      response: result.credential as Parameters<typeof verifyRegistrationResponse>[0]['response'],
      expectedChallenge: options.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      requireUserVerification: true,
    });
    expect(v.verified).toBe(true);
    const info = v.registrationInfo as NonNullable<typeof v.registrationInfo>;
    credential = {
      id: info.credential.id,
      publicKey: info.credential.publicKey as Uint8Array<ArrayBuffer>,
      counter: 0,
    };
    expect(await signIn()).toBe(true);
    expect(await signIn()).toBe(true);
    // Identity key and credential key: both TPM blobs, no sealed key file.
    const keys = await readdir(join(dataDir, 'keys'));
    expect(keys.length).toBe(2);
    expect(keys.every((k) => k.endsWith('.tpmkey'))).toBe(true);
  });

  it('should hold no private key material anywhere in the data dir', async () => {
    const state = await openDaemonState({
      dataDir: await copyOf(dataDir),
      device: 'emulator',
      logger: silentLogger(),
      keyStoreChoice: 'file',
    }).catch((e: Error) => e);
    // The copy's keys are TPM blobs, so the file store is refused (and cannot read them anyway).
    expect(state).toMatchObject({ code: 'ERR_KEYSTORE_CORRUPT', message: expect.stringContaining('--key-store tpm') });
    const { publicJwks } = await publicKeysOf(dataDir);
    const scan = await findPrivateKeyMaterial(dataDir, publicJwks);
    expect(publicJwks.length).toBe(2);
    expect(scan.files).toBeGreaterThan(4);
    expect(scan.tried).toBeGreaterThan(1000);
    expect(scan.found).toEqual([]);
    // The scan finds a key when one is there (a planted JWK private key in a copy).
    const planted = await copyOf(dataDir);
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
    ])) as CryptoKeyPair;
    const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
    await writeFile(join(planted, 'leak.json'), JSON.stringify(jwk));
    expect((await findPrivateKeyMaterial(planted, [jwk])).found).toEqual([join(planted, 'leak.json')]);
    await rm(planted, { recursive: true, force: true });
  }, 60_000);

  it('should refuse to sign from a copy of the data dir on another TPM and say why', async () => {
    const copy = await copyOf(dataDir);
    const elsewhere = await startHarnessDaemon({
      dataDir: copy,
      openDeviceSide: undefined,
      keyStore: 'tpm',
      tpm: other.address,
      preauthorizePairing: true,
      uv: 'auto',
    });
    try {
      const client = await connectPaired(elsewhere.url, install);
      const options = await generateAuthenticationOptions({
        rpID: RP_ID,
        allowCredentials: [{ id: credential.id }],
        userVerification: 'required',
      });
      await expect(client.call('signIn', { origin: ORIGIN, options })).rejects.toMatchObject({
        code: 'ERR_KEYSTORE_OTHER_TPM',
        message: expect.stringContaining('created in another TPM'),
      });
      await client.close();
    } finally {
      await elsewhere.stop();
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('should lose nothing when the TPM restarts with its state kept', async () => {
    await tpm.restart();
    expect(await signIn()).toBe(true);
    await (daemon as HarnessDaemon).stop();
    daemon = undefined;
    await tpm.restart();
    daemon = await start();
    expect(await signIn()).toBe(true);
  }, 60_000);
});

async function copyOf(dir: string): Promise<string> {
  const copy = await makeTempDir();
  await cp(dir, copy, { recursive: true, filter: (src) => !src.endsWith('.sock') });
  return copy;
}

async function publicKeysOf(dir: string): Promise<{ publicJwks: JsonWebKey[] }> {
  const { readFile } = await import('node:fs/promises');
  const publicJwks: JsonWebKey[] = [];
  for (const name of await readdir(join(dir, 'keys'))) {
    publicJwks.push(JSON.parse(await readFile(join(dir, 'keys', name), 'utf8')).publicJwk);
  }
  return { publicJwks };
}
