/**
 * CLI secrets (issue 9): passwords, enrollment tokens and otpauth:// URIs are taken from a file,
 * standard input or a hidden prompt, so they never sit in /proc/<pid>/cmdline or shell history;
 * the argument form still works but warns. Real processes, real portal database, real daemon.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDaemonState } from '../../daemon/src/openDaemonState.js';
import { makeDeviceEligible } from '../../dev/makeDeviceEligible.js';
import { within } from '../../dev/within.js';
import { verifyPassword } from '../../portal/src/security/passwordHash.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { makeTempDir, startHarnessDaemon } from '../helpers/daemonHarness.js';

const ENTRY = fileURLToPath(new URL('../../dev/cliEntry.ts', import.meta.url));
const KEYBOUND = [process.execPath, '--import', 'tsx', ENTRY];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The command line the process had while it ran, as another user would read it. */
  cmdline: string;
}

/** Runs `argv` with `input` on stdin (a pipe) and collects its output (bounded). */
function run(argv: string[], input = ''): Promise<Run> {
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env } });
  let stdout = '';
  let stderr = '';
  let cmdline = '';
  readFile(`/proc/${child.pid}/cmdline`, 'utf8').then(
    (text) => {
      cmdline = text.replaceAll('\0', ' ');
    },
    () => {},
  );
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  child.stdin.end(input);
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, cmdline })));
  return within(done, `\`${argv.slice(3).join(' ')}\` to exit`);
}

let dir: string;
let db: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kb-secrets-'));
  db = join(dir, 'portal.sqlite');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function storedHashOf(email: string): Promise<string> {
  const sqlite = new Database(db, { readonly: true });
  try {
    return (sqlite.prepare('SELECT password_hash AS h FROM users WHERE email = ?').get(email) as { h: string }).h;
  } finally {
    sqlite.close();
  }
}

describe('keybound admin user add', () => {
  it('should read the password from standard input and keep it off the command line', async () => {
    const piped = await run(
      [...KEYBOUND, 'admin', '--db', db, 'user', 'add', 'pipe@acme.test', '--password-file', '-'],
      'piped secret 1\n',
    );
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).not.toContain('warning');
    expect(piped.cmdline).toContain('pipe@acme.test');
    expect(piped.cmdline).not.toContain('piped secret 1');
    expect(await verifyPassword('piped secret 1', await storedHashOf('pipe@acme.test'))).toBe(true);
  });

  it('should ask with a hidden prompt on a terminal and never echo what was typed', async () => {
    // `script` gives the CLI a real pseudo-terminal; the password is typed after the prompt.
    const command = [...KEYBOUND, 'admin', '--db', db, 'user', 'add', 'tty@acme.test'].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const prompted = new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        if (out.includes('Password:')) resolve();
      }),
    );
    await within(prompted, 'the password prompt');
    child.stdin.write('typed secret 3\r');
    const code = await within(new Promise((r) => child.on('close', r)), 'the CLI to exit after the prompt');
    expect(code, out).toBe(0);
    expect(out).toContain('Added tty@acme.test');
    expect(out).not.toContain('typed secret 3');
    expect(await verifyPassword('typed secret 3', await storedHashOf('tty@acme.test'))).toBe(true);
  });
});

describe('keybound protect totp add', () => {
  it('should read the otpauth:// URI from standard input and keep it off the command line', async () => {
    const dataDir = await makeTempDir();
    const state = await openDaemonState({ dataDir, device: 'emulator', logger: silentLogger() });
    await makeDeviceEligible(state.device);
    await state.close();
    const daemon = await startHarnessDaemon({ dataDir, openDeviceSide: undefined });
    try {
      const uri = 'otpauth://totp/Acme:ada?secret=JBSWY3DPEHPK3PXP&issuer=Acme';
      const r = await run([...KEYBOUND, 'protect', '--data-dir', daemon.dataDir, 'totp', 'add'], `${uri}\n`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.cmdline).not.toContain('JBSWY3DPEHPK3PXP');
      const list = await run([...KEYBOUND, 'protect', '--data-dir', daemon.dataDir, 'accounts', '--json']);
      expect(list.stdout).toMatch(/"issuer": ?"Acme"/);
    } finally {
      await daemon.stop();
      await rm(daemon.dataDir, { recursive: true, force: true });
    }
  });
});
