import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../../shared/crypto/index.js';
import { toBase64url } from '../../../shared/webauthn/base64url.js';
import { createMachineSealer } from '../keys/MachineSealer.js';
import type { PairingRecord } from '../pairing/PairingStore.js';
import { SealedPairingStore } from './SealedPairingStore.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
const here = { machineId: 'machine-a', uid: 1000, username: 'ada' };
async function open(dataDir?: string, identity = here) {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'kb-pair-')));
  if (!dataDir) dirs.push(dir);
  return {
    dir,
    store: new SealedPairingStore(dir, await createMachineSealer({ dataDir: dir, identity, crypto: nodeCrypto })),
  };
}
const pairing = (): PairingRecord => ({
  installId: 'install-0123456789ab',
  extensionOrigin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
  secret: nodeCrypto.getRandomValues(new Uint8Array(32)),
  browser: 'chrome',
  pairedAt: '2026-01-01T00:00:00.000Z',
  lastSeenAt: null,
});

describe('SealedPairingStore', () => {
  it('should keep pairings across a re-open, sealed and 0600 on disk', async () => {
    const { dir, store } = await open();
    const p = pairing();
    await store.put(p);
    await store.touch(p.installId, '2026-01-02T00:00:00.000Z');
    const { store: reopened } = await open(dir);
    expect(await reopened.get(p.installId)).toEqual({ ...p, lastSeenAt: '2026-01-02T00:00:00.000Z' });
    const onDisk = await readFile(join(dir, 'pairings.sealed'), 'latin1');
    expect(onDisk).not.toContain(toBase64url(p.secret));
    expect(onDisk).not.toContain(p.installId);
    expect((await stat(join(dir, 'pairings.sealed'))).mode & 0o777).toBe(0o600);
  });

  it('should not rewrite the sealed file on every authentication (at most hourly per pairing)', async () => {
    const { dir, store } = await open();
    const p = pairing();
    await store.put(p);
    await store.touch(p.installId, '2026-01-01T00:00:01.000Z');
    const written = (await stat(join(dir, 'pairings.sealed'))).mtimeMs;
    const bytes = await readFile(join(dir, 'pairings.sealed'));
    for (let i = 2; i < 50; i++) await store.touch(p.installId, `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`);
    expect((await stat(join(dir, 'pairings.sealed'))).mtimeMs).toBe(written);
    expect(await readFile(join(dir, 'pairings.sealed'))).toEqual(bytes);
    expect((await store.get(p.installId))?.lastSeenAt).toBe('2026-01-01T00:00:49.000Z');
    await store.touch(p.installId, '2026-01-01T02:00:00.000Z');
    expect(await readFile(join(dir, 'pairings.sealed'))).not.toEqual(bytes);
  });

  it('should keep at most 32 pairings per extension origin, evicting the least recently used, and expire unused ones', async () => {
    const { store } = await open();
    const stale = { ...pairing(), installId: 'install-never-used-01', pairedAt: '2025-12-01T00:00:00.000Z' };
    await store.put(stale);
    const at = (i: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 60_000).toISOString();
    for (let i = 0; i < 40; i++) {
      await store.put({
        ...pairing(),
        installId: `install-${String(i).padStart(12, '0')}`,
        pairedAt: at(i),
        lastSeenAt: at(i),
      });
    }
    const kept = (await store.list()).map((r) => r.installId);
    expect(kept).toHaveLength(32);
    expect(kept).not.toContain('install-never-used-01');
    expect(kept).not.toContain('install-000000000007');
    expect(kept).toContain('install-000000000008');
    expect(kept).toContain('install-000000000039');
  });

  it('should forget a deleted pairing', async () => {
    const { store } = await open();
    const p = pairing();
    await store.put(p);
    expect(await store.delete(p.installId)).toBe(true);
    expect(await store.get(p.installId)).toBeUndefined();
    expect(await store.list()).toEqual([]);
  });

  it('should refuse pairings copied to another machine with ERR_KEYSTORE_WRONG_MACHINE', async () => {
    const { dir, store } = await open();
    await store.put(pairing());
    const { store: elsewhere } = await open(dir, { ...here, machineId: 'machine-b' });
    await expect(elsewhere.list()).rejects.toMatchObject({ code: 'ERR_KEYSTORE_WRONG_MACHINE' });
  });
});
