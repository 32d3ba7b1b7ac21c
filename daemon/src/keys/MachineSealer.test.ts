import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../../shared/crypto/index.js';
import { peculiarCrypto } from '../../../shared/crypto/peculiarCrypto.js';
import { createMachineSealer, WRONG_MACHINE_MESSAGE } from './MachineSealer.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'kb-seal-'));
  dirs.push(d);
  return d;
}
const here = { machineId: 'machine-a', uid: 1000, username: 'ada' };
const text = new TextEncoder();

describe.each([nodeCrypto, peculiarCrypto])('createMachineSealer ($name)', (crypto) => {
  it('should open what it sealed when machine, user and purpose are the same', async () => {
    const dataDir = await tempDir();
    const sealer = await createMachineSealer({ dataDir, identity: here, crypto });
    const sealed = await sealer.seal('pairings', text.encode('secret'));
    const again = await createMachineSealer({ dataDir, identity: here, crypto });
    expect(new TextDecoder().decode(await again.open('pairings', sealed))).toBe('secret');
    expect((await stat(join(dataDir, 'install.secret'))).mode & 0o777).toBe(0o600);
  });

  it('should refuse with ERR_KEYSTORE_WRONG_MACHINE when the machine id differs', async () => {
    const dataDir = await tempDir();
    const sealed = await (await createMachineSealer({ dataDir, identity: here, crypto })).seal('p', text.encode('x'));
    const elsewhere = await createMachineSealer({ dataDir, identity: { ...here, machineId: 'machine-b' }, crypto });
    await expect(elsewhere.open('p', sealed)).rejects.toMatchObject({
      code: 'ERR_KEYSTORE_WRONG_MACHINE',
      message: WRONG_MACHINE_MESSAGE,
    });
  });

  it('should refuse with ERR_KEYSTORE_WRONG_MACHINE when the OS user differs', async () => {
    const dataDir = await tempDir();
    const sealed = await (await createMachineSealer({ dataDir, identity: here, crypto })).seal('p', text.encode('x'));
    const otherUser = await createMachineSealer({ dataDir, identity: { ...here, uid: 1001, username: 'eve' }, crypto });
    await expect(otherUser.open('p', sealed)).rejects.toMatchObject({ code: 'ERR_KEYSTORE_WRONG_MACHINE' });
  });

  it('should refuse with ERR_KEYSTORE_CORRUPT when the ciphertext was changed', async () => {
    const sealer = await createMachineSealer({ dataDir: await tempDir(), identity: here, crypto });
    const sealed = await sealer.seal('p', text.encode('x'));
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] as number) ^ 1;
    await expect(sealer.open('p', sealed)).rejects.toMatchObject({ code: 'ERR_KEYSTORE_CORRUPT' });
  });

  it('should refuse with ERR_KEYSTORE_CORRUPT when the header is not a sealed file', async () => {
    const sealer = await createMachineSealer({ dataDir: await tempDir(), identity: here, crypto });
    await expect(
      sealer.open('p', text.encode('{"not":"sealed", "padding": "....................."}')),
    ).rejects.toMatchObject({
      code: 'ERR_KEYSTORE_CORRUPT',
    });
  });

  it('should refuse with ERR_KEYSTORE_CORRUPT when opened for another purpose', async () => {
    const sealer = await createMachineSealer({ dataDir: await tempDir(), identity: here, crypto });
    const sealed = await sealer.seal('key:a', text.encode('x'));
    await expect(sealer.open('key:b', sealed)).rejects.toMatchObject({ code: 'ERR_KEYSTORE_CORRUPT' });
  });
});
