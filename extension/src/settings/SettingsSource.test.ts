import { describe, expect, it, vi } from 'vitest';
import { LOCAL_SETTINGS_KEY, MANAGED_CACHE_KEY, SettingsSource, type StorageAreaLike } from './SettingsSource.js';

const PORTAL = 'http://localhost:3000';
const OTHER = 'http://localhost:4000';

function memoryArea(initial: Record<string, unknown> = {}) {
  const data = new Map(Object.entries(initial));
  const area: StorageAreaLike & { reads: number } = {
    reads: 0,
    async get(keys) {
      area.reads++;
      const wanted = keys === null || keys === undefined ? [...data.keys()] : Array.isArray(keys) ? keys : [keys];
      return Object.fromEntries(wanted.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]));
    },
    async set(items) {
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
  };
  return area;
}

const localWith = (portalOrigins: string[]) =>
  memoryArea({ [LOCAL_SETTINGS_KEY]: { portalOrigins, ssoLoginOrigins: [], daemonPort: 28170 } });

describe('SettingsSource', () => {
  it('should read storage once and answer from memory when messages keep coming', async () => {
    const local = localWith([PORTAL]);
    const source = new SettingsSource({ local, managed: memoryArea() });
    await source.fresh(1_000); // the policy has been read: the copy in memory is final
    const readsBefore = local.reads;
    for (let i = 0; i < 5; i++) expect((await source.current()).portalOrigins).toEqual([PORTAL]);
    expect(local.reads).toBe(readsBefore);
  });

  it('should load lazily on first use when the worker was woken (a new source)', async () => {
    const local = localWith([PORTAL]);
    const first = new SettingsSource({ local });
    await first.current();
    const woken = new SettingsSource({ local });
    expect(local.reads).toBe(1);
    expect((await woken.current()).portalOrigins).toEqual([PORTAL]);
    expect(local.reads).toBe(2);
  });

  it('should see changed local settings when they are invalidated (storage.onChanged, local)', async () => {
    const local = localWith([PORTAL]);
    const source = new SettingsSource({ local });
    expect((await source.current()).portalOrigins).toEqual([PORTAL]);
    await local.set({ [LOCAL_SETTINGS_KEY]: { portalOrigins: [OTHER], ssoLoginOrigins: [], daemonPort: 28170 } });
    expect((await source.current()).portalOrigins).toEqual([PORTAL]);
    source.invalidateLocal();
    expect((await source.current()).portalOrigins).toEqual([OTHER]);
  });

  it('should see a changed policy when it is invalidated (storage.onChanged, managed)', async () => {
    const local = localWith([PORTAL]);
    const policy = memoryArea({ portalOrigins: [PORTAL] });
    const source = new SettingsSource({ local, managed: policy });
    await source.fresh(1_000);
    expect((await source.current()).managedKeys).toEqual(['portalOrigins']);
    await policy.set({ portalOrigins: [OTHER] });
    source.invalidateManaged();
    expect((await source.fresh(1_000)).portalOrigins).toEqual([OTHER]);
    expect((await source.current()).portalOrigins).toEqual([OTHER]);
  });

  it('should replace the cached policy with the fresh one when the managed read arrives', async () => {
    const local = localWith([]);
    await local.set({ [MANAGED_CACHE_KEY]: { portalOrigins: [PORTAL] } });
    let release: (v: Record<string, unknown>) => void = () => {};
    const slowPolicy = { get: vi.fn(() => new Promise<Record<string, unknown>>((r) => (release = r))) };
    const source = new SettingsSource({ local, managed: slowPolicy });
    // Until the policy answers, the last policy seen applies.
    expect((await source.current()).portalOrigins).toEqual([PORTAL]);
    release({ portalOrigins: [OTHER] });
    expect((await source.fresh(1_000)).portalOrigins).toEqual([OTHER]);
    expect((await source.current()).portalOrigins).toEqual([OTHER]);
  });

  it('should read again on the next message when a storage read failed', async () => {
    const local = localWith([PORTAL]);
    const get = local.get.bind(local);
    local.get = vi.fn().mockRejectedValueOnce(new Error('storage busy')).mockImplementation(get);
    const source = new SettingsSource({ local });
    await expect(source.current()).rejects.toThrow('storage busy');
    expect((await source.current()).portalOrigins).toEqual([PORTAL]);
  });
});
