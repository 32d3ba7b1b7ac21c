/**
 * `keybound daemon`, `keybound protect` and `keybound status` as real processes: exactly one
 * ready line on stdout, Protect decisions from the CLI, a clean exit 0 on SIGTERM, and a plain
 * message when no daemon runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonClient, newInstall, TEST_EXTENSION_ID } from '../../dev/daemonClient.js';
import { within } from '../../dev/within.js';
import { makeTempDir } from '../helpers/daemonHarness.js';

const ENTRY = fileURLToPath(new URL('../../dev/cliEntry.ts', import.meta.url));

function cli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    env: { ...process.env, KEYBOUND_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a CLI command to completion. */
function run(
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = cli(args, env);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return within(done, `\`keybound ${args.join(' ')}\` to exit`).catch((err: Error) => {
    child.kill('SIGKILL');
    throw err;
  });
}

let dataDir: string;
let daemon: ChildProcess;
let stdout = '';
let stderr = '';
let port = 0;

beforeAll(async () => {
  dataDir = await makeTempDir();
  daemon = cli([
    'daemon',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--uv',
    'protect',
    '--allow-extension',
    TEST_EXTENSION_ID,
  ]);
  daemon.stderr!.on('data', (d: Buffer) => {
    stderr += d;
  });
  const ready = new Promise<number>((resolve, reject) => {
    daemon.stdout!.on('data', (d: Buffer) => {
      stdout += d;
      const m = /^keybound daemon listening on ws:\/\/127\.0\.0\.1:(\d+)\n/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    daemon.on('exit', (code) => reject(new Error(`daemon exited ${code}: ${stderr}`)));
  });
  port = await within(ready, "the daemon's ready line");
}, 30_000);

afterAll(async () => {
  if (daemon && daemon.exitCode === null) daemon.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('keybound daemon, protect and status', () => {
  it('should pair an extension when `keybound protect approve` approves it', async () => {
    const install = newInstall();
    const client = await DaemonClient.connect(`ws://127.0.0.1:${port}`);
    expect(await client.hello(install)).toMatchObject({ paired: false, pairingPreauthorized: false });
    const pairing = client.pair(install);
    const event = await client.waitForEvent((e) => e.event === 'protect.request');
    const listed = await run(['protect', 'pending', '--data-dir', dataDir]);
    expect(listed.stdout).toContain(`${event.protectId}  pair  chrome-extension://${TEST_EXTENSION_ID}`);
    const approved = await run(['protect', 'approve', event.protectId, '--data-dir', dataDir]);
    expect(approved).toMatchObject({ code: 0, stdout: `Approved ${event.protectId}.\n` });
    expect(await pairing).toMatchObject({ pairedAt: expect.any(String) });
    expect(await client.call('ping')).toEqual({ pong: true });
    await client.close();
  });

  it('should report the running daemon in `keybound status --json`', async () => {
    const { code, stdout: out } = await run(['status', '--json', '--data-dir', dataDir]);
    expect(code).toBe(0);
    const status = JSON.parse(out);
    expect(status.daemon).toMatchObject({ running: true, port });
    expect(status.pairedExtensions[0]).toMatchObject({ extensionOrigin: `chrome-extension://${TEST_EXTENSION_ID}` });
  });

  it('should fail plainly when a Protect request id is unknown', async () => {
    const { code, stderr: err } = await run(['protect', 'deny', 'no-such-request', '--data-dir', dataDir]);
    expect(code).toBe(1);
    expect(err).toContain('No pending Protect request');
  });

  it('should print one stdout line and exit 0 when stopped with SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => daemon.on('exit', (code) => resolve(code)));
    daemon.kill('SIGTERM');
    expect(await within(exited, 'the process to exit after SIGTERM')).toBe(0);
    expect(stdout).toBe(`keybound daemon listening on ws://127.0.0.1:${port}\n`);
    expect(stderr).toContain('"event":"daemon.stopped"');
    // The default device is the emulator: the daemon said at start that it is for developers.
    expect(stderr).toMatch(/"event":"daemon\.emulator".*for developers and are NOT a security boundary/);
    const after = await run(['status', '--data-dir', dataDir]);
    expect(after.code).toBe(3);
    expect(after.stdout).toContain('not running');
  });
});
