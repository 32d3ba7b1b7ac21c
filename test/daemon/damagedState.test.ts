/**
 * Damaged state and crash leftovers (issue 9): a corrupt, empty or truncated credentials.db and
 * an unusable audit.log each answer ERR_STATE_CORRUPT naming the file and the fix — never
 * ERR_INTERNAL, never "no credentials" — while pairing and ping keep working; no wire message
 * carries a local path. A daemon start sweeps the orphan keys and temp files a kill -9 leaves.
 */
import { mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateRegistrationOptions } from '@simplewebauthn/server';
import { afterEach, describe, expect, it } from 'vitest';
import { openDaemonState } from '../../daemon/src/openDaemonState.js';
import { connectPaired, type DaemonClient, newInstall } from '../../dev/daemonClient.js';
import { makeDeviceEligible } from '../../dev/makeDeviceEligible.js';
import { createLogger } from '../../shared/node/createLogger.js';
import { makeTempDir, startHarnessDaemon } from '../helpers/daemonHarness.js';

const ORIGIN = 'http://localhost:3000';
const dirs: string[] = [];
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** An eligible emulated device with one registered credential; returns its data dir. */
async function deviceWithCredential(): Promise<string> {
  const dataDir = await makeTempDir();
  dirs.push(dataDir);
  const state = await openDaemonState({ dataDir, device: 'emulator', logger: createLogger('t', { level: 'silent' }) });
  await makeDeviceEligible(state.device);
  await state.close();
  const daemon = await start(dataDir);
  const client = await connectPaired(daemon, newInstall());
  await client.call('register', { origin: ORIGIN, options: await options() });
  await client.close();
  await daemon.stop();
  return dataDir;
}

function options() {
  return generateRegistrationOptions({
    rpName: 'Portal',
    rpID: 'localhost',
    userName: 'alice@acme.test',
    attestationType: 'none',
    supportedAlgorithmIDs: [-7],
    authenticatorSelection: { userVerification: 'required' },
  });
}

/** The real device side (openDeviceSide undefined), capturing the daemon's log lines. */
async function start(dataDir: string, lines: string[] = []) {
  const logger = createLogger('daemon', {
    level: 'info',
    destination: { write: (line: string) => lines.push(line) },
  });
  const daemon = await startHarnessDaemon({ dataDir, openDeviceSide: undefined, preauthorizePairing: true, logger });
  stops.push(() => daemon.stop());
  return daemon;
}

/** Everything a page could learn from `client` so far must not contain the data dir. */
function expectNoPathOnWire(client: DaemonClient, dataDir: string): void {
  expect(JSON.stringify(client.received)).not.toContain(dataDir);
}

async function expectCredentialsRefused(dataDir: string): Promise<void> {
  const daemon = await start(dataDir);
  // Pairing and ping do not need credentials.db: they still work.
  const client = await connectPaired(daemon, newInstall());
  expect(await client.call('ping')).toEqual({ pong: true });
  const status = await client.call('status', { rpId: 'localhost', userName: 'alice@acme.test' });
  expect(status.eligibility).toMatchObject({ eligible: false, problem: { code: 'ERR_STATE_CORRUPT' } });
  expect(status.eligibility.problem?.message).toMatch(/credentials\.db .*restore the file from a backup/i);
  for (const type of ['register', 'accounts.list'] as const) {
    const answer = await client.request(type, type === 'register' ? { origin: ORIGIN, options: await options() } : {});
    expect(answer).toMatchObject({ ok: false, error: { code: 'ERR_STATE_CORRUPT' } });
    expect(!answer.ok && answer.error.message).toContain('credentials.db');
  }
  expectNoPathOnWire(client, dataDir);
  await client.close();
}

describe('damaged credentials.db', () => {
  it('should refuse a corrupt database with ERR_STATE_CORRUPT and keep pairing working', async () => {
    const dataDir = await deviceWithCredential();
    await writeFile(join(dataDir, 'credentials.db'), Buffer.alloc(8192, 0x5a));
    await expectCredentialsRefused(dataDir);
    // The damaged file is left as it was, for the user to restore or inspect.
    expect((await readFile(join(dataDir, 'credentials.db'))).every((b) => b === 0x5a)).toBe(true);
  });

  it('should refuse an empty (0-byte) database instead of treating it as empty', async () => {
    const dataDir = await deviceWithCredential();
    await truncate(join(dataDir, 'credentials.db'), 0);
    await expectCredentialsRefused(dataDir);
    expect((await stat(join(dataDir, 'credentials.db'))).size).toBe(0);
    // The credential's key is not swept as an "orphan" while the database cannot be read.
    expect((await readdir(join(dataDir, 'keys'))).length).toBe(2);
  });

  it('should refuse a truncated database', async () => {
    const dataDir = await deviceWithCredential();
    const db = join(dataDir, 'credentials.db');
    await truncate(db, Math.floor((await stat(db)).size / 2));
    await expectCredentialsRefused(dataDir);
  });
});

describe('unusable audit.log', () => {
  it('should refuse registration with ERR_STATE_CORRUPT naming audit.log and still pair', async () => {
    const dataDir = await deviceWithCredential();
    await rm(join(dataDir, 'audit.log'));
    await mkdir(join(dataDir, 'audit.log'));
    const lines: string[] = [];
    const daemon = await start(dataDir, lines);
    const client = await connectPaired(daemon, newInstall());
    const answer = await client.request('register', { origin: ORIGIN, options: await options() });
    expect(answer).toMatchObject({ ok: false, error: { code: 'ERR_STATE_CORRUPT' } });
    expect(!answer.ok && answer.error.message).toMatch(/^audit\.log in Keybound's data folder cannot be written/);
    expectNoPathOnWire(client, dataDir);
    await client.close();
    expect(lines.some((l) => l.includes('"state.damaged"') && l.includes('audit.log'))).toBe(true);
  });
});

describe('crash leftovers', () => {
  it('should sweep orphan credential keys and temp files at start and log what it swept', async () => {
    const dataDir = await deviceWithCredential();
    const keysBefore = await readdir(join(dataDir, 'keys'));
    // What a kill -9 mid-registration leaves: a sealed key no credential names, temp files.
    const { FileKeyStore } = await import('../../daemon/src/keys/FileKeyStore.js');
    const { createMachineSealer } = await import('../../daemon/src/keys/MachineSealer.js');
    const { hostMachineIdentity } = await import('../../daemon/src/keys/machineIdentity.js');
    const { defaultCrypto } = await import('../../shared/crypto/index.js');
    const sealer = await createMachineSealer({ dataDir, identity: hostMachineIdentity(), crypto: defaultCrypto });
    const orphan = await new FileKeyStore(dataDir, sealer).create({ purpose: 'credential' });
    await writeFile(join(dataDir, '.pairings.sealed.0123456789ab.tmp'), 'half');
    await writeFile(join(dataDir, 'keys', `.${orphan.ref}.key.ba9876543210.tmp`), 'half');
    const lines: string[] = [];
    const daemon = await start(dataDir, lines);
    // The sweep runs while the device side opens: a request waits for it.
    const client = await connectPaired(daemon, newInstall());
    expect(await client.call('status', { rpId: 'localhost' })).toMatchObject({ registered: true });
    await client.close();
    expect((await readdir(join(dataDir, 'keys'))).sort()).toEqual(keysBefore.sort());
    expect((await readdir(dataDir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const swept = lines.find((l) => l.includes('"state.swept"'));
    expect(swept).toContain(orphan.ref);
    expect(swept).toContain('.pairings.sealed.0123456789ab.tmp');
  });
});
