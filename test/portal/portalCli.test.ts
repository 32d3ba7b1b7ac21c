/**
 * `keybound portal` and `keybound admin` as processes: exactly one stdout line when ready, a
 * graceful exit on SIGTERM, and `--json` output from admin commands.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { within } from '../../dev/within.js';
import { unsupportedNodeMessage } from '../../shared/node/nodeSupport.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const ENTRY = `import('${join(ROOT, 'cli', 'main.ts')}').then(async (m) => { process.exitCode = await m.main(process.argv.slice(1)); })`;
const keybound = (args: string[]) => ['--import', 'tsx', '-e', ENTRY, ...args];

describe('keybound portal / admin', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keybound-cli-'));
  });
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('should print one ready line and exit cleanly when it gets SIGTERM', async () => {
    child = spawn(process.execPath, keybound(['portal', '--port', '0', '--db', join(dir, 'p.sqlite')]), {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KEYBOUND_LOG_LEVEL: 'info' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const ready = new Promise<string>((resolve, reject) => {
      child?.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0] as string);
      });
      child?.once('exit', (code) => reject(new Error(`portal exited early (${code})`)));
    });
    // A tsx-started portal can take well over 20 s on a loaded machine (decision 0050).
    const line = await within(ready, "the portal's ready line", 90_000);
    const m = /^keybound portal listening on http:\/\/127\.0\.0\.1:(\d+) — open (\S+) \(/.exec(line);
    expect(m, line).not.toBeNull();
    const port = Number(m?.[1]);
    // The address users and the extension must use is the portal's issuer, which it redirects to.
    expect(m?.[2]).toBe(`http://localhost:${port}/`);
    const redirect = await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual' });
    expect(new URL(redirect.headers.get('location') ?? '', `http://127.0.0.1:${port}/`).origin).toBe(
      `http://localhost:${port}`,
    );
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.json()).toMatchObject({ ok: true });
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await within(exited, 'the process to exit after SIGTERM')).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    // Start-up output is clean on a supported Node (CI runs Node 22 LTS); an unsupported one is
    // named once, in the portal's words.
    const unsupported = unsupportedNodeMessage();
    if (unsupported === null) expect(stderr).not.toMatch(/WARNING|Unsupported runtime|Warning:/);
    else expect(stderr).toContain(`keybound portal: ${unsupported}`);
  });

  it('should answer in JSON when admin commands get --json', async () => {
    const db = join(dir, 'p.sqlite');
    const add = await run(
      process.execPath,
      keybound(['admin', '--db', db, '--json', 'user', 'add', 'ada@example.com', '--password', 'long enough', '--mfa']),
      { cwd: ROOT },
    );
    const added = JSON.parse(add.stdout) as { email: string; otpauthUri: string };
    expect(added.email).toBe('ada@example.com');
    expect(added.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const list = await run(process.execPath, keybound(['admin', '--db', db, '--json', 'user', 'list']), { cwd: ROOT });
    expect(JSON.parse(list.stdout)).toMatchObject([{ email: 'ada@example.com', mfa: true }]);
    // The URI is shown once: listing never prints the secret.
    expect(list.stdout).not.toContain('otpauth');
    const failed = await run(
      process.execPath,
      keybound(['admin', '--db', db, '--json', 'device', 'revoke', 'dev_nope']),
      { cwd: ROOT },
    ).catch((e: { stdout: string; code: number }) => e);
    expect((failed as { code: number }).code).toBe(1);
    expect(JSON.parse((failed as { stdout: string }).stdout)).toEqual({
      error: { code: 'ERR_NOT_FOUND', message: 'No device "dev_nope"' },
    });
  });
});
