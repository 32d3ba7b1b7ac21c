/**
 * The helper protocol behind macOS LocalAuthentication and Windows Hello (both
 * COMPAT(untested: no macOS or Windows here)), tested on Linux with a stand-in helper: a shell
 * script that answers with an exit code, as the Swift helper and the PowerShell script do.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../shared/node/createLogger.js';
import { makeTempDir } from '../../../../test/helpers/daemonHarness.js';
import { MemoryAuditLog } from '../../audit/FileAuditLog.js';
import type { VerificationRequest } from '../UserVerifier.js';
import { createOsVerifier } from './createOsVerifier.js';
import { HelperProcessVerifier, type HelperSpec } from './HelperProcessVerifier.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('kb-uvh-');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const request = (over: Partial<VerificationRequest> = {}): VerificationRequest => ({
  action: 'register',
  origin: 'http://localhost:3000',
  rpId: 'localhost',
  userName: 'alice@example.com',
  browser: 'Chrome',
  requestId: 'r1',
  ...over,
});

/** A stand-in helper: `sh -c SCRIPT`, which sees KEYBOUND_UV_REASON like the real helpers. */
const standIn = (script: string): HelperSpec => ({
  backend: 'stand-in',
  command: '/bin/sh',
  args: ['-c', script],
  missing: 'the helper is missing',
});

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a refusal');
}

describe('HelperProcessVerifier (the macOS and Windows helper protocol)', () => {
  it('should resolve on exit 0, and give the helper the prompt text in its environment, not its arguments', async () => {
    const out = join(dir, 'reason');
    const audit = new MemoryAuditLog();
    await new HelperProcessVerifier(standIn(`printf '%s' "$KEYBOUND_UV_REASON" > ${out}`), {
      logger: silentLogger(),
      audit,
    }).verify(request());
    expect(await readFile(out, 'utf8')).toBe(
      'Keybound: set up device sign-in for localhost as alice@example.com? (Chrome, from http://localhost:3000)',
    );
    expect(audit.lines.map((l) => [l.event, l.via])).toEqual([['protect.approved', 'stand-in']]);
  });

  it('should refuse with ERR_USER_DENIED on exit 1', async () => {
    const err = await refusal(
      new HelperProcessVerifier(standIn('exit 1'), { logger: silentLogger() }).verify(request()),
    );
    expect(err.code).toBe('ERR_USER_DENIED');
  });

  it('should refuse with ERR_UV_UNAVAILABLE and the helper’s reason on exit 2', async () => {
    const verifier = new HelperProcessVerifier(standIn('echo "Touch ID is not enrolled" >&2; exit 2'), {
      logger: silentLogger(),
    });
    const err = await refusal(verifier.verify(request()));
    expect(err).toMatchObject({
      code: 'ERR_UV_UNAVAILABLE',
      message: expect.stringContaining('Touch ID is not enrolled'),
    });
  });

  it('should refuse with ERR_UV_UNAVAILABLE and the install sentence when the helper is missing', async () => {
    const spec = { ...standIn(''), command: join(dir, 'no-such-helper') };
    const err = await refusal(new HelperProcessVerifier(spec, { logger: silentLogger() }).verify(request()));
    expect(err).toMatchObject({ code: 'ERR_UV_UNAVAILABLE', message: 'the helper is missing' });
  });

  it('should kill the helper (closing the OS prompt) when the request is abandoned', async () => {
    const pidFile = join(dir, 'pid');
    const abandon = new AbortController();
    const verifier = new HelperProcessVerifier(standIn(`echo $$ > ${pidFile}; exec sleep 30`), {
      logger: silentLogger(),
    });
    const pending = verifier.verify(request({ signal: abandon.signal }));
    const pid = await waitForPid(pidFile);
    abandon.abort();
    const err = await refusal(pending);
    expect(err.code).toBe('ERR_EXTENSION_UNAVAILABLE');
    expect(alive(pid)).toBe(false);
  });

  it('should kill the helper and refuse with ERR_USER_VERIFICATION_TIMEOUT when nobody answers in time', async () => {
    const verifier = new HelperProcessVerifier(standIn('exec sleep 30'), { logger: silentLogger(), timeoutMs: 200 });
    const err = await refusal(verifier.verify(request()));
    expect(err.code).toBe('ERR_USER_VERIFICATION_TIMEOUT');
  });

  it('should refuse every request with ERR_UV_UNAVAILABLE on a platform without a backend', async () => {
    const verifier = createOsVerifier({ logger: silentLogger(), platform: 'freebsd' });
    expect(verifier.backend).toBe('none');
    const err = await refusal(verifier.verify(request()));
    expect(err).toMatchObject({ code: 'ERR_UV_UNAVAILABLE', message: expect.stringMatching(/on freebsd/) });
  });

  it('should refuse every request on Linux when the daemon runs as root (polkit approves root without asking)', async () => {
    const err = await refusal(
      createOsVerifier({ logger: silentLogger(), platform: 'linux', uid: 0 }).verify(request()),
    );
    expect(err).toMatchObject({ code: 'ERR_UV_UNAVAILABLE', message: expect.stringMatching(/runs as root/) });
  });

  it('should pick polkit on Linux, LocalAuthentication on macOS and Windows Hello on Windows', () => {
    const backend = (platform: NodeJS.Platform) =>
      createOsVerifier({ logger: silentLogger(), platform, uid: 1000 }).backend;
    expect([backend('linux'), backend('darwin'), backend('win32')]).toEqual([
      'polkit',
      'localauthentication',
      'windows-hello',
    ]);
  });
});

async function waitForPid(file: string): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (/^\d+\s*$/.test(text)) return Number(text);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the stand-in helper did not start within 10 s');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
