import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addUser } from '../admin/adminActions.js';
import { openDatabase } from '../db/openDatabase.js';
import { oidcMigrations } from '../oidc/oidcMigrations.js';
import { hashToken } from '../security/tokens.js';
import { registerAppCommands } from './appCommands.js';

/** Runs `admin --db FILE <args>` with only the app commands registered; returns stdout. */
async function run(dbFile: string, args: string[]): Promise<{ out: string; exitCode: number }> {
  const program = new Command('keybound').exitOverride();
  const admin = program.command('admin').option('--db <file>').option('--json');
  registerAppCommands(admin);
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const writeErr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  process.exitCode = undefined;
  try {
    await program.parseAsync(['admin', '--db', dbFile, ...args], { from: 'user' });
  } finally {
    write.mockRestore();
    writeErr.mockRestore();
  }
  const exitCode = typeof process.exitCode === 'number' ? process.exitCode : 0;
  process.exitCode = undefined;
  return { out, exitCode };
}

describe('keybound admin app', () => {
  let dir: string;
  let dbFile: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keybound-appcli-'));
    dbFile = join(dir, 'portal.sqlite');
    const db = await openDatabase(dbFile, { extraMigrations: oidcMigrations });
    await addUser(db, Date.now(), { email: 'alice@example.com', password: 'long enough password' });
    await db.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should print the client secret once and store only its hash when an app is added with --json', async () => {
    const { out, exitCode } = await run(dbFile, [
      '--json',
      'app',
      'add',
      'Payroll',
      '--redirect-uri',
      'https://payroll.example.com/callback',
      '--protected',
    ]);
    expect(exitCode).toBe(0);
    const added = JSON.parse(out) as { clientId: string; clientSecret: string; protected: boolean; clientType: string };
    expect(added.protected).toBe(true);
    expect(added.clientType).toBe('confidential');
    expect(added.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const db = await openDatabase(dbFile, { extraMigrations: oidcMigrations });
    const row = await db.get<{ client_secret_hash: string }>(
      'SELECT client_secret_hash FROM apps WHERE client_id = ?',
      [added.clientId],
    );
    await db.close();
    expect(row?.client_secret_hash).toBe(hashToken(added.clientSecret));

    const listed = await run(dbFile, ['--json', 'app', 'list']);
    expect(listed.out).not.toContain(added.clientSecret);
  });

  it('should list the app with its assignee when it is assigned to a user', async () => {
    await run(dbFile, ['app', 'add', 'Wiki', '--redirect-uri', 'http://localhost:3000/cb', '--public']);
    const assigned = await run(dbFile, ['app', 'assign', 'Wiki', 'Alice@Example.com']);
    expect(assigned.out).toBe('Assigned Wiki to alice@example.com.\n');
    const again = await run(dbFile, ['--json', 'app', 'assign', 'Wiki', 'alice@example.com']);
    expect(JSON.parse(again.out)).toMatchObject({ app: 'Wiki', alreadyAssigned: true });

    const { out } = await run(dbFile, ['--json', 'app', 'list']);
    const [app] = JSON.parse(out) as { name: string; clientType: string; assignedTo: string[]; launchUrl: string }[];
    expect(app).toMatchObject({ name: 'Wiki', clientType: 'public', assignedTo: ['alice@example.com'] });
    expect(app?.launchUrl).toBe('http://localhost:3000/');
  });

  it('should fail with a coded error when the redirect URI uses http on a non-loopback host', async () => {
    const { out, exitCode } = await run(dbFile, [
      '--json',
      'app',
      'add',
      'Bad',
      '--redirect-uri',
      'http://example.com/cb',
    ]);
    expect(exitCode).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ error: { code: 'ERR_BAD_REQUEST' } });
  });

  it('should fail with ERR_NOT_FOUND when assigning to an unknown user', async () => {
    await run(dbFile, ['app', 'add', 'Wiki', '--redirect-uri', 'https://wiki.example.com/cb']);
    const { out, exitCode } = await run(dbFile, ['--json', 'app', 'assign', 'Wiki', 'nobody@example.com']);
    expect(exitCode).toBe(1);
    expect(JSON.parse(out)).toEqual({
      error: { code: 'ERR_NOT_FOUND', message: 'No user with email "nobody@example.com"' },
    });
  });
});
