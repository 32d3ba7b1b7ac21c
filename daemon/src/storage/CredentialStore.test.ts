import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { COUNTER_BLOCK, type CredentialRecord, CredentialStore } from './CredentialStore.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
async function open(dataDir?: string) {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'kb-cred-')));
  if (!dataDir) cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const store = new CredentialStore({ dataDir: dir });
  cleanup.push(() => store.close());
  return { dir, store };
}

function record(n: number, over: Partial<CredentialRecord> = {}): CredentialRecord {
  return {
    credentialId: `cred-${n}`,
    rpId: 'localhost',
    origin: 'http://localhost:3000',
    userName: `user${n}@example.com`,
    userDisplayName: `User ${n}`,
    userHandle: `handle${n}`,
    createdAt: new Date(1_700_000_000_000 + n * 1000).toISOString(),
    lastUsedAt: null,
    counter: 0,
    deviceId: 'device-1',
    keyRef: `key-${n}`,
    ...over,
  };
}

describe('CredentialStore', () => {
  it('should create credentials.db with mode 0600', async () => {
    const { dir } = await open();
    expect((await stat(join(dir, 'credentials.db'))).mode & 0o777).toBe(0o600);
  });

  it('should find a credential by id and by rpId + userName', async () => {
    const { store } = await open();
    store.add(record(1));
    store.add(record(2));
    expect(store.get('cred-2')?.userName).toBe('user2@example.com');
    expect(store.findByUser('localhost', 'user1@example.com')?.credentialId).toBe('cred-1');
    expect(store.findByUser('example.com', 'user1@example.com')).toBeUndefined();
    expect(store.newestForRp('localhost')?.credentialId).toBe('cred-2');
  });

  it('should increase the counter on each use and keep it across a re-open', async () => {
    const { dir, store } = await open();
    store.add(record(1));
    expect(store.nextCounter('cred-1', '2026-01-01T00:00:00.000Z')).toBe(1);
    expect(store.nextCounter('cred-1', '2026-01-01T00:00:01.000Z')).toBe(2);
    store.close();
    const { store: reopened } = await open(dir);
    expect(reopened.get('cred-1')).toMatchObject({ counter: 2, lastUsedAt: '2026-01-01T00:00:01.000Z' });
    expect(reopened.nextCounter('cred-1', '2026-01-01T00:00:02.000Z')).toBe(3);
  });

  it('should jump to the durable reservation, never repeating a counter, when the last stop was not clean', async () => {
    const { dir, store } = await open();
    store.add(record(1));
    for (let i = 0; i < 3; i++) store.nextCounter('cred-1', 'now');
    // Simulate a power loss that lost the last counter updates but not the fsynced reservation.
    const raw = new Database(join(dir, 'credentials.db'));
    raw.prepare("UPDATE credentials SET counter = 1 WHERE credentialId = 'cred-1'").run();
    raw.close();
    const { store: reopened } = await open(dir);
    const next = reopened.nextCounter('cred-1', 'now') as number;
    expect(next).toBeGreaterThan(3);
    expect(next).toBe(COUNTER_BLOCK + 2);
  });

  it('should write counters kept in memory to the file when flushed, without a reservation per use', async () => {
    const { dir, store } = await open();
    store.add(record(1));
    for (let i = 0; i < 5; i++) store.nextCounter('cred-1', `2026-01-01T00:00:0${i}.000Z`);
    const raw = new Database(join(dir, 'credentials.db'), { readonly: true });
    const row = () =>
      raw.prepare("SELECT counter, counterReserved, lastUsedAt FROM credentials WHERE credentialId = 'cred-1'").get();
    expect(row()).toEqual({ counter: 1, counterReserved: 1 + COUNTER_BLOCK, lastUsedAt: '2026-01-01T00:00:00.000Z' });
    expect(store.get('cred-1')).toMatchObject({ counter: 5, lastUsedAt: '2026-01-01T00:00:04.000Z' });
    store.flush();
    expect(row()).toEqual({ counter: 5, counterReserved: 1 + COUNTER_BLOCK, lastUsedAt: '2026-01-01T00:00:04.000Z' });
    raw.close();
  });

  it('should never repeat a counter when the process stops without closing the store', async () => {
    const { dir, store } = await open();
    store.add(record(1));
    const handedOut = Array.from({ length: COUNTER_BLOCK + 10 }, () => store.nextCounter('cred-1', 'now') as number);
    // No flush, no close: what a crash leaves. A new process opens the same file.
    const { store: next } = await open(dir);
    expect(next.nextCounter('cred-1', 'now')).toBeGreaterThan(Math.max(...handedOut));
  });

  it('should keep counters increasing when another process opens and closes the store while it runs', async () => {
    const { dir, store } = await open();
    store.add(record(1));
    for (let i = 0; i < 5; i++) store.nextCounter('cred-1', 'now');
    const { store: cli } = await open(dir);
    expect(cli.get('cred-1')?.credentialId).toBe('cred-1');
    cli.close();
    const last = store.nextCounter('cred-1', 'now') as number;
    expect(last).toBe(6);
    // The first process now dies without closing; a third one must continue above 6.
    const { store: after } = await open(dir);
    expect(after.nextCounter('cred-1', 'now')).toBeGreaterThan(last);
  });

  it('should see a credential deleted by another process as gone', async () => {
    const { dir, store } = await open();
    store.add(record(1));
    store.nextCounter('cred-1', 'now');
    const { store: cli } = await open(dir);
    cli.delete('cred-1');
    expect(store.get('cred-1')).toBeUndefined();
  });

  it('should return undefined from nextCounter when the credential was deleted', async () => {
    const { store } = await open();
    store.add(record(1));
    expect(store.delete('cred-1')).toBe(true);
    expect(store.delete('cred-1')).toBe(false);
    expect(store.nextCounter('cred-1', 'now')).toBeUndefined();
  });

  it('should refuse a duplicate credential id', async () => {
    const { store } = await open();
    store.add(record(1));
    expect(() => store.add(record(1))).toThrow();
  });

  it('should look up the right credential among 10,000 when they share one RP', async () => {
    const { store } = await open();
    store.addMany(Array.from({ length: 10_000 }, (_, n) => record(n)));
    expect(store.count()).toBe(10_000);
    expect(store.findByUser('localhost', 'user7777@example.com')?.credentialId).toBe('cred-7777');
    expect(store.get('cred-4242')?.keyRef).toBe('key-4242');
    expect(store.newestForRp('localhost')?.credentialId).toBe('cred-9999');
    expect(store.nextCounter('cred-5', 'now')).toBe(1);
  });
});
