/**
 * Issue 10 end to end at the portal, with real swtpm TPMs and the daemon's own device side:
 * a TPM device enrolls with attestation (EK chain to swtpm-localca's root, AK activated against
 * the EK, identity key certified), registers and signs in through the TPM key store, and the
 * inventory, /api/session and the home page show its key protection. The portal refuses: an EK
 * chaining to an untrusted root, an EK/AK mismatch, a credential key certified by another
 * device's AK, and a software key under `hardware-keys required` (whose existing software
 * credentials then no longer make a session trusted); malformed evidence gets a typed refusal and
 * spends nothing.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAttestationObject, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enrollmentExtraData } from '../../daemon/src/device/tpmEnrollment.js';
import { TpmAttestation } from '../../daemon/src/keys/tpm/TpmAttestation.js';
import type { TpmKeyStore } from '../../daemon/src/keys/tpm/TpmKeyStore.js';
import { type DaemonState, openDaemonState } from '../../daemon/src/openDaemonState.js';
import { makeDeviceEligible } from '../../dev/makeDeviceEligible.js';
import { ScriptedProtect } from '../../dev/openTestDaemonState.js';
import type { SoftwareAuthenticator } from '../../dev/softwareAuthenticator.js';
import { SWTPM_LOCALCA_DIR, type Swtpm, startSwtpm, swtpmInstalled } from '../../dev/startSwtpm.js';
import { newEnrollmentToken, setOrgDeviceTrust } from '../../portal/src/admin/adminActions.js';
import { setOrgHardwareKeys } from '../../portal/src/admin/hardwareKeysActions.js';
import { createDeviceStatement } from '../../shared/device/createDeviceStatement.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { fromBase64url, toBase64url } from '../../shared/webauthn/base64url.js';
import { runKeybound as keybound } from '../cli/runKeybound.js';
import {
  addTestUser,
  deviceSignIn,
  postRegistration,
  registerDevice,
  registerEnrolledDevice,
  sessionInfo,
  signInWithPassword,
  startTestPortal,
  type TestPortal,
  type TestUser,
} from './helpers/portalTestKit.js';

const run = swtpmInstalled() || process.env.CI === 'true';

/** A device running the daemon's device side with its keys in `tpm`, driven in this process. */
interface TpmDevice {
  state: DaemonState;
  /** Same shape as SoftwareAuthenticator's register/signIn, so the kit's journeys drive it. */
  asAuthenticator: SoftwareAuthenticator;
}

describe.runIf(run)('TPM devices at the portal (swtpm)', () => {
  const dirs: string[] = [];
  const states: DaemonState[] = [];
  let a: Swtpm;
  let b: Swtpm;
  let foreign: Swtpm;
  let kit: TestPortal;
  let user: TestUser;

  async function tempDir(prefix: string) {
    const d = await mkdtemp(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  }

  async function tpmState(tpm: Swtpm): Promise<DaemonState> {
    const state = await openDaemonState({
      dataDir: await tempDir('kb-tpmdev-'),
      device: 'emulator',
      logger: silentLogger(),
      keyStoreChoice: 'tpm',
      tpm: tpm.address,
    });
    states.push(state);
    return state;
  }

  async function enrollTpmDevice(tpm: Swtpm): Promise<TpmDevice> {
    const state = await tpmState(tpm);
    const { token } = await newEnrollmentToken(kit.portal.db, kit.clock.now);
    await state.device.enroll({ type: 'desktop-agent', portal: kit.origin, token, name: 'tpm laptop' });
    await makeDeviceEligible(state.device);
    const authenticator = state.createAuthenticator(new ScriptedProtect());
    const ctx = { requestId: 'r1', browser: 'test' };
    const asAuthenticator = {
      register: (origin: string, options: never) => authenticator.register({ origin, options }, ctx),
      signIn: (origin: string, options: never) => authenticator.signIn({ origin, options }, ctx),
    } as unknown as SoftwareAuthenticator;
    return { state, asAuthenticator };
  }

  beforeAll(async () => {
    const caDir = await tempDir('kb-foreign-ca-');
    [a, b, foreign] = await Promise.all([startSwtpm(), startSwtpm(), startSwtpm({ localCaDir: caDir })]);
    // The portal trusts swtpm-localca (root and the intermediate that signs EK certificates).
    const bundle = join(await tempDir('kb-roots-'), 'tpm-roots.pem');
    const pems = await Promise.all(
      ['swtpm-localca-rootca-cert.pem', 'issuercert.pem'].map((f) => readFile(join(SWTPM_LOCALCA_DIR, f), 'utf8')),
    );
    await writeFile(bundle, pems.join('\n'));
    kit = await startTestPortal({ tpmRoots: bundle });
    user = await addTestUser(kit, 'ada@example.com', { mfa: true });
  }, 120_000);
  // swtpm serves one connection at a time: each test closes the device states it opened.
  afterEach(async () => {
    await Promise.all(states.splice(0).map((s) => s.close().catch(() => undefined)));
    // A new TOTP step for the next password sign-in (a code is accepted once).
    kit.clock.advance(30_000);
  });
  afterAll(async () => {
    await kit?.close();
    await Promise.all([a, b, foreign].map((t) => t?.stop()));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('should enroll with attestation, register and sign in through the TPM, and show the key protection', async () => {
    const device = await enrollTpmDevice(a);
    const deviceId = (await device.state.profile.get()).enrollment.deviceId;
    // What IT sees: `keybound admin device list --json` (the CLI in-process, on the portal's store).
    const listed = await keybound(['admin', '--db', kit.database, '--json', 'device', 'list']);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: string }[]).find((d) => d.id === deviceId)).toMatchObject({
      keyProtection: 'tpm',
      tpm: { manufacturer: 'IBM (swtpm)', model: 'swtpm' },
    });
    const client = kit.client();
    await signInWithPassword(kit, client, user);
    const { csrf, result } = await registerDevice(client, device.asAuthenticator);
    expect(decodeAttestationObject(fromBase64url(result.credential.response.attestationObject)).get('fmt')).toBe('tpm');
    const registered = await postRegistration(client, csrf, result);
    expect(registered.status, registered.body).toBe(200);
    const unknown = await keybound(['admin', '--db', kit.database, 'org', 'set', 'hardware-keys', 'sometimes']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Hardware keys policy "sometimes", expected required, preferred or off');
    const set = await keybound(['admin', '--db', kit.database, '--json', 'org', 'set', 'hardware-keys', 'required']);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ hardwareKeys: 'required' });
    await setOrgDeviceTrust(kit.portal.db, kit.clock.now, true);
    const signedIn = kit.client();
    expect((await deviceSignIn(signedIn, device.asAuthenticator, user.email)).status).toBe(200);
    expect(await sessionInfo(signedIn)).toMatchObject({
      trusted: true,
      keyProtection: { keyProtection: 'tpm', manufacturer: 'IBM (swtpm)', model: 'swtpm' },
    });
    const home = await signedIn.request('/');
    expect(home.body).toContain('data-key-protection="tpm"');
    expect(home.body).toContain('Key protection: TPM (IBM (swtpm) swtpm).');
    await setOrgHardwareKeys(kit.portal.db, kit.clock.now, 'off');
  });

  it('should refuse a software key under hardware-keys required with a sentence IT can act on, and untrust existing software credentials', async () => {
    await setOrgDeviceTrust(kit.portal.db, kit.clock.now, true);
    const soft = await registerEnrolledDevice(kit, user);
    const before = kit.client();
    const first = await deviceSignIn(before, soft.device, user.email);
    expect(first.status, first.body).toBe(200);
    expect(await sessionInfo(before)).toMatchObject({ trusted: true, keyProtection: { keyProtection: 'software' } });
    await setOrgHardwareKeys(kit.portal.db, kit.clock.now, 'required');
    // The same session, evaluated again: its key is software, so it is no longer trusted.
    expect(await sessionInfo(before)).toMatchObject({ trusted: false, trustReason: 'software-key' });
    kit.clock.advance(30_000); // a fresh TOTP step: each code is accepted once
    const client = kit.client();
    await signInWithPassword(kit, client, user);
    const { csrf, result } = await registerDevice(client, soft.device);
    const refused = await postRegistration(client, csrf, result);
    expect(refused.status).toBe(403);
    expect(refused.json()).toMatchObject({
      error: { code: 'ERR_HARDWARE_KEY_REQUIRED', message: expect.stringContaining('keybound daemon --key-store tpm') },
    });
    await setOrgHardwareKeys(kit.portal.db, kit.clock.now, 'off');
  });

  it('should refuse an EK certificate that chains to an untrusted root', async () => {
    const state = await tpmState(foreign);
    const { token } = await newEnrollmentToken(kit.portal.db, kit.clock.now);
    await expect(state.device.enroll({ type: 'desktop-agent', portal: kit.origin, token })).rejects.toMatchObject({
      code: 'ERR_ENROLLMENT_FAILED',
      message: expect.stringContaining('does not chain to a trusted TPM manufacturer'),
    });
    expect((await state.profile.get()).enrollment.state).not.toBe('enrolled');
  });

  it('should refuse malformed TPM evidence with a typed error, and keep the enrollment token usable', async () => {
    const state = await tpmState(a);
    const att = new TpmAttestation(state.keyStore as TpmKeyStore);
    const ek = toBase64url(await att.ekCertificate());
    const ak = toBase64url((await att.createAttestationKey()).publicArea);
    const { token } = await newEnrollmentToken(kit.portal.db, kit.clock.now);
    const junk = toBase64url(crypto.getRandomValues(new Uint8Array(96)));
    const evidence = {
      ekCertificate: ek,
      akPublicArea: ak,
      identityPublicArea: junk,
      identityCertifyInfo: junk,
      identitySignature: junk,
    };
    const cases: [Record<string, string>, string][] = [
      [{ ekCertificate: junk }, 'not a DER X.509 certificate'],
      [{ akPublicArea: junk }, 'not a TPM P-256 key'],
      [{ akPublicArea: ek }, 'not a TPM P-256 key'],
    ];
    for (const [change, message] of cases) {
      const res = await post('/api/devices/enroll/tpm-challenge', { token, ...evidence, ...change });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body).toMatchObject({
        error: { code: 'ERR_ATTESTATION_INVALID', message: expect.stringContaining(message) },
      });
    }
    // Not base64url, or an extra field: the schema refuses it before any TPM parsing.
    expect((await post('/api/devices/enroll/tpm-challenge', { token, ...evidence, akPublicArea: 'a b' })).status).toBe(
      400,
    );
    expect((await post('/api/devices/enroll/tpm-challenge', { token, ...evidence, extra: 'x' })).status).toBe(400);
    const identity = await state.keyStore.create({ purpose: 'device-identity' });
    const enroll = await post('/api/devices/enroll', {
      token,
      publicKey: identity.publicJwk,
      enrollmentType: 'desktop-agent',
      platform: 'linux',
      name: 'junk',
      tpm: { ...evidence, activationSecret: junk },
    });
    expect(enroll.status).toBe(400);
    expect(enroll.body).toMatchObject({ error: { code: 'ERR_ATTESTATION_INVALID' } });
    // Nothing was spent: the same token still enrolls the device (with its real evidence).
    await state.device.enroll({ type: 'desktop-agent', portal: kit.origin, token, name: 'after junk' });
    expect((await state.profile.get()).enrollment.state).toBe('enrolled');
  });

  it('should refuse an EK/AK mismatch: an AK that did not activate in the TPM holding the EK', async () => {
    const stateA = await tpmState(a);
    const stateB = await tpmState(b);
    const ekA = await new TpmAttestation(stateA.keyStore as TpmKeyStore).ekCertificate();
    const attB = new TpmAttestation(stateB.keyStore as TpmKeyStore);
    const akB = await attB.createAttestationKey();
    const { token } = await newEnrollmentToken(kit.portal.db, kit.clock.now);
    const identity = await stateB.keyStore.create({ purpose: 'device-identity' });
    const certified = await attB.certify(identity.ref, akB.ref, enrollmentExtraData(token));
    const identityFields = {
      identityPublicArea: toBase64url(certified.publicArea),
      identityCertifyInfo: toBase64url(certified.certifyInfo),
      identitySignature: toBase64url(certified.signature),
    };
    const evidence = { ekCertificate: toBase64url(ekA), akPublicArea: toBase64url(akB.publicArea), ...identityFields };
    const challenge = await post('/api/devices/enroll/tpm-challenge', { token, ...evidence });
    expect(challenge.status, JSON.stringify(challenge.body)).toBe(200);
    const { credentialBlob, encryptedSecret } = challenge.body as { credentialBlob: string; encryptedSecret: string };
    // TPM B cannot decrypt a credential made for TPM A's EK.
    await expect(
      attB.activate(akB.ref, fromBase64url(credentialBlob), fromBase64url(encryptedSecret)),
    ).rejects.toMatchObject({
      code: 'ERR_TPM_FAILED',
    });
    const res = await post('/api/devices/enroll', {
      token,
      publicKey: identity.publicJwk,
      enrollmentType: 'desktop-agent',
      platform: 'linux',
      name: 'mismatch',
      tpm: { ...evidence, activationSecret: toBase64url(new Uint8Array(32).fill(3)) },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: 'ERR_ATTESTATION_INVALID', message: expect.stringContaining('EK/AK mismatch') },
    });
  });

  it("should refuse a credential key certified by another device's AK", async () => {
    const deviceA = await enrollTpmDevice(a);
    const deviceB = await enrollTpmDevice(b);
    const profileA = await deviceA.state.profile.get();
    const client = kit.client();
    await signInWithPassword(kit, client, user);
    // B makes the key and its 'tpm' attestation; A's identity key claims it (an attacker holding both).
    const { csrf, options, result } = await registerDevice(client, deviceB.asAuthenticator);
    const authData = decodeAttestationObject(fromBase64url(result.credential.response.attestationObject)).get(
      'authData',
    );
    const cosePublicKey = parseAuthenticatorData(authData).credentialPublicKey as Uint8Array;
    const deviceStatement = await createDeviceStatement({
      sign: (d) => deviceA.state.keyStore.sign(profileA.enrollment.identityKeyRef as string, d),
      deviceId: profileA.enrollment.deviceId as string,
      rpId: new URL(kit.origin).hostname,
      credentialId: result.credential.id,
      cosePublicKey,
      challenge: options.challenge,
      enrollmentType: 'desktop-agent',
    });
    const res = await postRegistration(client, csrf, { ...result, deviceStatement });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({
      error: {
        code: 'ERR_ATTESTATION_INVALID',
        message: expect.stringContaining("another device's TPM attestation key"),
      },
    });
  });

  async function post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${kit.origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }
});
