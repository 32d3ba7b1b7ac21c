import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CryptoProvider, nodeCrypto } from '../../../shared/crypto/index.js';
import { peculiarCrypto } from '../../../shared/crypto/peculiarCrypto.js';
import { FileKeyStore } from './FileKeyStore.js';
import { ES256, type KeyStore, P256 } from './KeyStore.js';
import { createMachineSealer } from './MachineSealer.js';
import { MemoryKeyStore } from './MemoryKeyStore.js';
import type { MachineIdentity } from './machineIdentity.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'kb-keys-'));
  dirs.push(d);
  return d;
}
const here: MachineIdentity = { machineId: 'machine-a', uid: 1000, username: 'ada' };

async function fileStore(dataDir: string, crypto: CryptoProvider, identity = here): Promise<FileKeyStore> {
  return new FileKeyStore(dataDir, await createMachineSealer({ dataDir, identity, crypto }), crypto);
}

async function verifies(
  crypto: CryptoProvider,
  jwk: JsonWebKey,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  const key = await crypto.subtle.importKey('jwk', jwk, P256, false, ['verify']);
  return crypto.subtle.verify(ES256, key, new Uint8Array(signature), new Uint8Array(data));
}

const data = new TextEncoder().encode('authenticatorData||clientDataHash');

describe.each([nodeCrypto, peculiarCrypto])('key stores ($name)', (crypto) => {
  const stores: Array<[string, () => Promise<KeyStore>]> = [
    ['FileKeyStore', async () => fileStore(await tempDir(), crypto)],
    ['MemoryKeyStore', async () => new MemoryKeyStore(crypto)],
  ];

  describe.each(stores)('%s', (_name, make) => {
    it('should sign with a P-256 key whose public half verifies the 64-byte signature', async () => {
      const store = await make();
      const key = await store.create({ purpose: 'credential' });
      const signature = await store.sign(key.ref, data);
      expect(signature.byteLength).toBe(64);
      expect(await verifies(crypto, await store.publicKey(key.ref), signature, data)).toBe(true);
      expect(key.publicJwk).not.toHaveProperty('d');
    });

    it('should list created keys and forget deleted ones', async () => {
      const store = await make();
      const a = await store.create({ purpose: 'credential' });
      const b = await store.create({ purpose: 'device-identity' });
      expect((await store.list()).map((k) => k.ref).sort()).toEqual([a.ref, b.ref].sort());
      await store.delete(a.ref);
      await store.delete(a.ref);
      expect((await store.list()).map((k) => k.ref)).toEqual([b.ref]);
      await expect(store.sign(a.ref, data)).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
    });
  });

  it('should keep keys across a re-open when the machine is the same', async () => {
    const dataDir = await tempDir();
    const key = await (await fileStore(dataDir, crypto)).create({ purpose: 'credential' });
    const reopened = await fileStore(dataDir, crypto);
    expect(await verifies(crypto, key.publicJwk, await reopened.sign(key.ref, data), data)).toBe(true);
  });

  it('should write key files and the install secret with mode 0600', async () => {
    const dataDir = await tempDir();
    const key = await (await fileStore(dataDir, crypto)).create({ purpose: 'credential' });
    expect((await stat(join(dataDir, 'keys', `${key.ref}.key`))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'install.secret'))).mode & 0o777).toBe(0o600);
  });

  it('should keep no readable private key material on disk', async () => {
    const dataDir = await tempDir();
    const key = await (await fileStore(dataDir, crypto)).create({ purpose: 'credential' });
    const onDisk = await readFile(join(dataDir, 'keys', `${key.ref}.key`), 'latin1');
    expect(onDisk.startsWith('KBS1')).toBe(true);
    expect(onDisk).not.toContain('pkcs8');
    expect(onDisk).not.toContain(key.publicJwk.x as string);
  });

  it('should refuse to use a data dir copied to another machine and say so', async () => {
    const original = await tempDir();
    const key = await (await fileStore(original, crypto)).create({ purpose: 'credential' });
    const copy = await tempDir();
    await cp(original, copy, { recursive: true });
    const elsewhere = await fileStore(copy, crypto, { ...here, machineId: 'machine-b' });
    await expect(elsewhere.sign(key.ref, data)).rejects.toMatchObject({
      code: 'ERR_KEYSTORE_WRONG_MACHINE',
      message: 'This key store was created on another machine or for another user; register this device again',
    });
  });

  it('should hold private keys only as non-extractable CryptoKeys once created or loaded', async () => {
    const imports: Array<{ format: string; extractable: boolean }> = [];
    const spy: CryptoProvider = {
      name: `${crypto.name}-spy`,
      getRandomValues: (a) => crypto.getRandomValues(a),
      subtle: new Proxy(crypto.subtle, {
        get(target, prop) {
          const value = Reflect.get(target, prop, target);
          if (prop !== 'importKey') return typeof value === 'function' ? value.bind(target) : value;
          return (...args: Parameters<SubtleCrypto['importKey']>) => {
            imports.push({ format: args[0], extractable: args[3] });
            return target.importKey(...args);
          };
        },
      }),
    };
    const dataDir = await tempDir();
    const key = await (await fileStore(dataDir, spy)).create({ purpose: 'credential' });
    await (await fileStore(dataDir, spy)).sign(key.ref, data);
    expect(imports.filter((i) => i.format === 'pkcs8')).toEqual([
      { format: 'pkcs8', extractable: false },
      { format: 'pkcs8', extractable: false },
    ]);
  });

  it('should refuse a key file swapped in under another ref', async () => {
    const dataDir = await tempDir();
    const store = await fileStore(dataDir, crypto);
    const a = await store.create({ purpose: 'credential' });
    const b = await store.create({ purpose: 'credential' });
    await cp(join(dataDir, 'keys', `${a.ref}.key`), join(dataDir, 'keys', `${b.ref}.key`));
    const reopened = await fileStore(dataDir, crypto);
    await expect(reopened.sign(b.ref, data)).rejects.toMatchObject({ code: 'ERR_KEYSTORE_CORRUPT' });
    expect((await readdir(join(dataDir, 'keys'))).length).toBe(2);
  });
});
