/**
 * The portal's TPM attestation checks against real swtpm TPMs: an EK certificate that chains to
 * the trusted swtpm-localca root, an AK activated against that EK (MakeCredential here,
 * ActivateCredential in the TPM), a key certified by the AK. And the refusals: an EK chaining to
 * an untrusted root, an AK activated in another TPM than the EK's (EK/AK mismatch), a key
 * certified by another device's AK, an AK that may leave the TPM.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTpmKeyStore } from '../../../../daemon/src/keys/tpm/openTpmKeyStore.js';
import { TpmAttestation } from '../../../../daemon/src/keys/tpm/TpmAttestation.js';
import type { TpmKeyStore } from '../../../../daemon/src/keys/tpm/TpmKeyStore.js';
import { SWTPM_LOCALCA_DIR, type Swtpm, startSwtpm, swtpmInstalled } from '../../../../dev/startSwtpm.js';
import { SIGNING_KEY_ATTRIBUTES } from '../../../../shared/tpm/constants.js';
import { makeCredential } from './makeCredential.js';
import { verifyAttestationKey } from './verifyAttestationKey.js';
import { verifyCertification } from './verifyCertification.js';
import { verifyEkCertificate } from './verifyEkCertificate.js';

const run = swtpmInstalled() || process.env.CI === 'true';

describe.runIf(run)('TPM attestation (swtpm)', () => {
  const dirs: string[] = [];
  let a: Swtpm;
  let b: Swtpm;
  let foreign: Swtpm;
  let storeA: TpmKeyStore;
  let storeB: TpmKeyStore;
  let storeF: TpmKeyStore;
  let trusted: X509Certificate[];
  const now = new Date();

  beforeAll(async () => {
    const caDir = await mkdtemp(join(tmpdir(), 'kb-foreign-ca-'));
    dirs.push(caDir);
    [a, b, foreign] = await Promise.all([startSwtpm(), startSwtpm(), startSwtpm({ localCaDir: caDir })]);
    const open = async (t: Swtpm) => {
      const d = await mkdtemp(join(tmpdir(), 'kb-att-'));
      dirs.push(d);
      return openTpmKeyStore({ dataDir: d, tpm: t.address });
    };
    [storeA, storeB, storeF] = await Promise.all([open(a), open(b), open(foreign)]);
    trusted = await Promise.all(
      ['swtpm-localca-rootca-cert.pem', 'issuercert.pem'].map(
        async (f) => new X509Certificate(await readFile(join(SWTPM_LOCALCA_DIR, f))),
      ),
    );
  }, 120_000);
  afterAll(async () => {
    await Promise.all([storeA, storeB, storeF].map((s) => s?.close()));
    await Promise.all([a, b, foreign].map((t) => t?.stop()));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('should verify the EK chain, activate the AK against that EK and verify a key it certified', async () => {
    const att = new TpmAttestation(storeA);
    const ek = verifyEkCertificate({ ekCertificate: await att.ekCertificate(), trusted, now });
    expect(ek).toMatchObject({ verified: true, tpm: { manufacturer: 'id:00001014', model: 'swtpm' } });
    if (!ek.verified) return;
    const ak = await att.createAttestationKey();
    const checked = verifyAttestationKey(ak.publicArea);
    expect(checked.verified).toBe(true);
    if (!checked.verified) return;
    const secret = crypto.getRandomValues(new Uint8Array(32));
    const challenge = makeCredential({ ekPublicKey: ek.ekPublicKey, akName: checked.name, secret });
    expect(Buffer.from(await att.activate(ak.ref, challenge.credentialBlob, challenge.encryptedSecret))).toEqual(
      Buffer.from(secret),
    );

    const key = await storeA.create({ purpose: 'credential' });
    const extra = crypto.getRandomValues(new Uint8Array(32));
    const cert = await att.certify(key.ref, ak.ref, extra);
    const ok = verifyCertification({ akPublicJwk: checked.publicJwk, ...cert, expectedExtraData: extra });
    expect(ok).toEqual({ verified: true, publicJwk: key.publicJwk });
    expect(
      verifyCertification({ akPublicJwk: checked.publicJwk, ...cert, expectedExtraData: new Uint8Array(32) }),
    ).toMatchObject({
      verified: false,
      message: expect.stringContaining('another request'),
    });
  });

  it('should refuse an EK certificate that chains to an untrusted root', async () => {
    const ek = verifyEkCertificate({ ekCertificate: await new TpmAttestation(storeF).ekCertificate(), trusted, now });
    expect(ek).toMatchObject({
      verified: false,
      message: expect.stringContaining('does not chain to a trusted TPM manufacturer'),
    });
    expect(
      verifyEkCertificate({ ekCertificate: await new TpmAttestation(storeA).ekCertificate(), trusted: [], now }),
    ).toMatchObject({
      verified: false,
    });
  });

  it('should not release the secret when the AK is in another TPM than the EK (EK/AK mismatch)', async () => {
    const ekA = verifyEkCertificate({ ekCertificate: await new TpmAttestation(storeA).ekCertificate(), trusted, now });
    if (!ekA.verified) throw new Error('EK A should verify');
    const attB = new TpmAttestation(storeB);
    const akB = await attB.createAttestationKey();
    const name = verifyAttestationKey(akB.publicArea);
    if (!name.verified) throw new Error('AK B should verify');
    // A device claims TPM A's EK certificate but its AK lives in TPM B: B cannot decrypt.
    const challenge = makeCredential({
      ekPublicKey: ekA.ekPublicKey,
      akName: name.name,
      secret: new Uint8Array(32).fill(1),
    });
    await expect(attB.activate(akB.ref, challenge.credentialBlob, challenge.encryptedSecret)).rejects.toMatchObject({
      code: 'ERR_TPM_FAILED',
    });
    // Right EK, but the credential was made for another AK's name: the TPM refuses too.
    const attA = new TpmAttestation(storeA);
    const akA = await attA.createAttestationKey();
    await expect(attA.activate(akA.ref, challenge.credentialBlob, challenge.encryptedSecret)).rejects.toMatchObject({
      code: 'ERR_TPM_FAILED',
    });
  });

  it("should refuse a key certified by another device's AK and an AK that is not restricted", async () => {
    const attA = new TpmAttestation(storeA);
    const attB = new TpmAttestation(storeB);
    const akA = verifyAttestationKey((await attA.createAttestationKey()).publicArea);
    const akB = await attB.createAttestationKey();
    const keyB = await storeB.create({ purpose: 'credential' });
    const extra = new Uint8Array(32).fill(9);
    const cert = await attB.certify(keyB.ref, akB.ref, extra);
    if (!akA.verified) throw new Error('AK A should verify');
    expect(verifyCertification({ akPublicJwk: akA.publicJwk, ...cert, expectedExtraData: extra })).toMatchObject({
      verified: false,
      message: expect.stringContaining("not signed by this device's attestation key"),
    });
    const unrestricted = await storeA.create({ purpose: 'attestation', attributes: SIGNING_KEY_ATTRIBUTES });
    expect(verifyAttestationKey(await attA.publicArea(unrestricted.ref))).toMatchObject({
      verified: false,
      message: expect.stringContaining('restricted'),
    });
  });
});
