import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Swtpm, startSwtpm, swtpmInstalled } from '../../../../dev/startSwtpm.js';
import { ES256, P256 } from '../KeyStore.js';
import { openTpmKeyStore } from './openTpmKeyStore.js';
import type { TpmKeyStore } from './TpmKeyStore.js';

// swtpm's socket serves one client connection at a time (like a TPM without a resource
// manager): each test closes its stores before the next opens one on the same TPM.
// Real swtpm: skipped only off CI when it is not installed; in CI a missing swtpm fails the run.
const run = swtpmInstalled() || process.env.CI === 'true';
const data = new TextEncoder().encode('authenticatorData||clientDataHash');
const dirs: string[] = [];
let tpmA: Swtpm;
let tpmB: Swtpm;
const stores: TpmKeyStore[] = [];

async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'kb-tpmkeys-'));
  dirs.push(d);
  return d;
}
async function open(dataDir: string, tpm: Swtpm) {
  const s = await openTpmKeyStore({ dataDir, tpm: tpm.address });
  stores.push(s);
  return s;
}
async function verifies(jwk: JsonWebKey, signature: Uint8Array) {
  const key = await crypto.subtle.importKey('jwk', jwk, P256, false, ['verify']);
  return crypto.subtle.verify(ES256, key, new Uint8Array(signature), data);
}

describe.runIf(run)('TpmKeyStore (swtpm)', () => {
  beforeAll(async () => {
    [tpmA, tpmB] = await Promise.all([startSwtpm(), startSwtpm()]);
  }, 120_000);
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close().catch(() => undefined)));
  });
  afterAll(async () => {
    await Promise.all([tpmA?.stop(), tpmB?.stop()]);
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('should sign inside the TPM with a P-256 key whose public half verifies, many times without running out of object slots', async () => {
    const store = await open(await tempDir(), tpmA);
    const keys = [];
    for (let i = 0; i < 4; i++) keys.push(await store.create({ purpose: 'credential' }));
    for (let i = 0; i < 3; i++) {
      for (const k of keys) expect(await verifies(k.publicJwk, await store.sign(k.ref, data))).toBe(true);
    }
    expect((await store.list()).length).toBe(4);
    await store.delete(keys[0]?.ref as string);
    await expect(store.sign(keys[0]?.ref as string, data)).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
  });

  it('should keep only the last signing key loaded beside the SRK, and free its slot for attestation', async () => {
    const store = await open(await tempDir(), tpmA);
    const [k1, k2] = [await store.create({ purpose: 'credential' }), await store.create({ purpose: 'credential' })];
    const loaded = () => store.withTpm((c) => c.transientHandles());
    expect(await verifies(k1.publicJwk, await store.sign(k1.ref, data))).toBe(true);
    expect(await verifies(k1.publicJwk, await store.sign(k1.ref, data))).toBe(true);
    expect((await loaded()).length).toBe(2); // the SRK and k1
    expect(await verifies(k2.publicJwk, await store.sign(k2.ref, data))).toBe(true);
    expect((await loaded()).length).toBe(2); // k1 made room for k2
    // Two keys at once (as TPM2_Certify needs) still find their slots: the kept key goes first.
    expect(await store.withLoaded([k1.ref, k2.ref], async (a, b) => [a, b].length)).toBe(2);
    expect((await loaded()).length).toBe(1);
    await store.delete(k1.ref);
    expect(await verifies(k2.publicJwk, await store.sign(k2.ref, data))).toBe(true);
  });

  it('should keep only the wrapped blob on disk, in a 0600 file', async () => {
    const dataDir = await tempDir();
    const store = await open(dataDir, tpmA);
    const key = await store.create({ purpose: 'credential' });
    const names = await readdir(join(dataDir, 'keys'));
    expect(names).toEqual([`${key.ref}.tpmkey`]);
    expect((await stat(join(dataDir, 'keys', names[0] as string))).mode & 0o777).toBe(0o600);
    expect(Object.keys(JSON.parse(await readFile(join(dataDir, 'keys', names[0] as string), 'utf8'))).sort()).toEqual([
      'createdAt',
      'parentName',
      'privateBlob',
      'publicArea',
      'publicJwk',
      'purpose',
      'ref',
      'v',
    ]);
  });

  it('should refuse to sign from a data dir copied to another TPM and say why', async () => {
    const original = await tempDir();
    const onA = await open(original, tpmA);
    const key = await onA.create({ purpose: 'credential' });
    await onA.close();
    const copy = await tempDir();
    await cp(original, copy, { recursive: true });
    const elsewhere = await open(copy, tpmB);
    await expect(elsewhere.sign(key.ref, data)).rejects.toMatchObject({
      code: 'ERR_KEYSTORE_OTHER_TPM',
      message: expect.stringContaining('created in another TPM'),
    });
  });

  it('should refuse the blob in the other TPM even when the copied file claims that TPM as its parent', async () => {
    const original = await tempDir();
    const onA = await open(original, tpmA);
    const key = await onA.create({ purpose: 'credential' });
    await onA.close();
    const onB = await open(await tempDir(), tpmB);
    const bName = (await onB.record((await onB.create({ purpose: 'credential' })).ref)).parentName;
    await onB.close();
    const copy = await tempDir();
    await cp(original, copy, { recursive: true });
    const file = join(copy, 'keys', `${key.ref}.tpmkey`);
    const forged = { ...JSON.parse(await readFile(file, 'utf8')), parentName: bName };
    await writeFile(file, JSON.stringify(forged));
    await expect((await open(copy, tpmB)).sign(key.ref, data)).rejects.toMatchObject({
      code: 'ERR_KEYSTORE_OTHER_TPM',
    });
  });

  it('should lose nothing across a TPM restart with its state kept', async () => {
    const dataDir = await tempDir();
    const store = await open(dataDir, tpmA);
    const key = await store.create({ purpose: 'device-identity' });
    const before = await readFile(join(dataDir, 'keys', `${key.ref}.tpmkey`));
    // Signed once before: the key is kept loaded, and the restart takes it with the SRK.
    expect(await verifies(key.publicJwk, await store.sign(key.ref, data))).toBe(true);
    await tpmA.restart();
    // The same process (its SRK handle went with the restart) and a fresh one both sign.
    expect(await verifies(key.publicJwk, await store.sign(key.ref, data))).toBe(true);
    await store.close();
    const reopened = await open(dataDir, tpmA);
    expect(await verifies(key.publicJwk, await reopened.sign(key.ref, data))).toBe(true);
    expect(await readFile(join(dataDir, 'keys', `${key.ref}.tpmkey`))).toEqual(before);
  }, 60_000);

  it('should fail to open with ERR_TPM_UNAVAILABLE when nothing answers at the address', async () => {
    await expect(openTpmKeyStore({ dataDir: await tempDir(), tpm: 'swtpm:127.0.0.1:1' })).rejects.toMatchObject({
      code: 'ERR_TPM_UNAVAILABLE',
    });
    await expect(openTpmKeyStore({ dataDir: await tempDir(), tpm: 'swtpm:10.0.0.1:2321' })).rejects.toMatchObject({
      code: 'ERR_TPM_UNAVAILABLE',
      message: expect.stringContaining('expected swtpm:127.0.0.1:PORT'),
    });
  });
});
