/**
 * Portal secrets at rest (issue 9): the folder is 0700, the database and its -wal/-shm 0600; a
 * database others can read is refused with the fix; TOTP secrets and the OIDC signing key are
 * encrypted with a key kept outside the database (file next to it, env var or command), so the
 * database alone — what another local user or a backup holds — yields neither.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { addUser } from '../../portal/src/admin/adminActions.js';
import { startPortal } from '../../portal/src/startPortal.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { toBase64url } from '../../shared/webauthn/base64url.js';

const dirs: string[] = [];
const saved = { ...process.env };
afterEach(async () => {
  process.env = { ...saved };
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function freshDbFile(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'kb-rest-'));
  dirs.push(root);
  return join(root, 'data', 'portal.sqlite');
}

/** Starts a portal on `dbFile`, adds a user with TOTP, stops it; returns the TOTP secret. */
async function portalWithSecrets(dbFile: string): Promise<string> {
  const portal = await startPortal({ port: 0, database: dbFile, logger: silentLogger() });
  const added = await addUser(portal.db, Date.now(), { email: 'ada@acme.test', password: 'pw of ada', mfa: true });
  await portal.close();
  return new URL(added.otpauthUri as string).searchParams.get('secret') as string;
}

describe('portal secrets at rest', () => {
  it('should create the folder 0700 and the database, -wal, -shm and key 0600', async () => {
    const dbFile = await freshDbFile();
    const portal = await startPortal({ port: 0, database: dbFile, logger: silentLogger() });
    try {
      expect((await stat(join(dbFile, '..'))).mode & 0o777).toBe(0o700);
      for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`, `${dbFile}.key`]) {
        expect((await stat(f)).mode & 0o777, f).toBe(0o600);
      }
    } finally {
      await portal.close();
    }
  });

  it('should keep neither the TOTP secret nor the OIDC private key readable in the database', async () => {
    const dbFile = await freshDbFile();
    const secret = await portalWithSecrets(dbFile);
    const raw = new Database(dbFile, { readonly: true });
    const stored = raw.prepare('SELECT secret FROM totp_secrets').get() as { secret: string };
    const keys = raw.prepare('SELECT material FROM oidc_keys').all() as { material: string }[];
    raw.close();
    expect(stored.secret).not.toContain(secret);
    expect(stored.secret.startsWith('kbenc1$')).toBe(true);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k.material).not.toMatch(/"d"\s*:/);
    // Nor anywhere in the files' bytes (pages, WAL frames).
    const bytes = Buffer.concat([await readFile(dbFile), await readFile(`${dbFile}-wal`).catch(() => Buffer.alloc(0))]);
    expect(bytes.includes(Buffer.from(secret))).toBe(false);
    // The portal itself still reads them: it restarts and signs ID tokens with the same key.
    const again = await startPortal({ port: 0, database: dbFile, logger: silentLogger() });
    await again.close();
  });

  it('should refuse to start on a database other users can read, naming the fix', async () => {
    const dbFile = await freshDbFile();
    await portalWithSecrets(dbFile);
    await chmod(dbFile, 0o644);
    await expect(startPortal({ port: 0, database: dbFile, logger: silentLogger() })).rejects.toMatchObject({
      code: 'ERR_UNSAFE_PERMISSIONS',
      message: expect.stringContaining(`chmod 600 '${dbFile}'*`),
    });
  });

  it('should take the key from KEYBOUND_PORTAL_KEY_COMMAND and refuse a different key clearly', async () => {
    const dbFile = await freshDbFile();
    const key = toBase64url(randomBytes(32));
    process.env.KEYBOUND_PORTAL_KEY_COMMAND = `printf '%s' '${key}'`;
    await portalWithSecrets(dbFile);
    await expect(stat(`${dbFile}.key`)).rejects.toMatchObject({ code: 'ENOENT' });
    // The same key from the environment opens it; another key does not (no silent new secrets).
    delete process.env.KEYBOUND_PORTAL_KEY_COMMAND;
    process.env.KEYBOUND_PORTAL_KEY = key;
    await (await startPortal({ port: 0, database: dbFile, logger: silentLogger() })).close();
    process.env.KEYBOUND_PORTAL_KEY = toBase64url(randomBytes(32));
    await expect(startPortal({ port: 0, database: dbFile, logger: silentLogger() })).rejects.toMatchObject({
      code: 'ERR_KEYSTORE_CORRUPT',
      message: expect.stringContaining('the portal key does not match'),
    });
  });

  it('should seal secrets an older version stored in clear when it opens the database', async () => {
    const dbFile = await freshDbFile();
    await portalWithSecrets(dbFile);
    const raw = new Database(dbFile);
    raw.prepare("UPDATE totp_secrets SET secret = 'JBSWY3DPEHPK3PXP'").run();
    raw.close();
    await (await startPortal({ port: 0, database: dbFile, logger: silentLogger() })).close();
    const check = new Database(dbFile, { readonly: true });
    const row = check.prepare('SELECT secret FROM totp_secrets').get() as { secret: string };
    check.close();
    expect(row.secret.startsWith('kbenc1$')).toBe(true);
  });
});
