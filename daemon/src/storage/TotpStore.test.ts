import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../../shared/crypto/index.js';
import { createMachineSealer } from '../keys/MachineSealer.js';
import { parseTotpUri, TotpStore } from './TotpStore.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function open() {
  const dir = await mkdtemp(join(tmpdir(), 'kb-totp-'));
  dirs.push(dir);
  const sealer = await createMachineSealer({
    dataDir: dir,
    identity: { machineId: 'm', uid: 1, username: 'u' },
    crypto: nodeCrypto,
  });
  return { dir, store: new TotpStore(dir, sealer) };
}
// RFC 6238 test secret "12345678901234567890" (SHA1), base32.
const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const URI = `otpauth://totp/Keybound:ada%40example.com?secret=${SECRET}&issuer=Keybound&digits=8&period=30`;

describe('TotpStore', () => {
  it('should give the RFC 6238 code for the reference secret and time', async () => {
    const { store } = await open();
    const account = await store.add(URI, new Date('2026-01-01T00:00:00Z'));
    const code = await store.code(account.id, new Date(59_000));
    expect(code).toEqual({ code: '94287082', expiresAt: new Date(60_000).toISOString() });
  });

  it('should list accounts without their secrets and keep the secret sealed on disk', async () => {
    const { dir, store } = await open();
    await store.add(URI, new Date());
    const [account] = await store.list();
    expect(account).toMatchObject({ issuer: 'Keybound', label: 'ada@example.com' });
    expect(account).not.toHaveProperty('secret');
    expect(await readFile(join(dir, 'totp.sealed'), 'latin1')).not.toContain(SECRET);
  });

  it('should delete every account when deleteAll is called', async () => {
    const { store } = await open();
    const a = await store.add(URI, new Date());
    await store.add(URI, new Date());
    expect(await store.deleteAll()).toBe(2);
    expect(await store.list()).toEqual([]);
    expect(await store.code(a.id, new Date())).toBeUndefined();
  });

  it('should refuse a URI that is not otpauth with ERR_TOTP_URI_INVALID', () => {
    expect(() => parseTotpUri('https://example.com')).toThrow(
      expect.objectContaining({ code: 'ERR_TOTP_URI_INVALID' }),
    );
  });

  it('should refuse a counter-based (hotp) URI with ERR_TOTP_URI_INVALID', () => {
    expect(() => parseTotpUri(`otpauth://hotp/x?secret=${SECRET}&counter=1`)).toThrow(
      expect.objectContaining({ code: 'ERR_TOTP_URI_INVALID', message: expect.stringContaining('hotp') }),
    );
  });
});
