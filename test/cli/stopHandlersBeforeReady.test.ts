/**
 * `keybound daemon` and `keybound portal` stop cleanly on a SIGTERM sent the instant their ready
 * line arrives (a service manager or a test may do exactly that). Their stop handlers must be in
 * place before the line is written: a loaded CI machine once descheduled the daemon between the
 * write and the handlers, and SIGTERM's default action killed it (exit by signal, nothing closed).
 * The preloaded probe (test/helpers/readyLineProbe.cjs) makes that order visible on every run,
 * instead of waiting for the unlucky schedule. Real processes from the sources.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { within } from '../../dev/within.js';
import { makeTempDir } from '../helpers/daemonHarness.js';

const ENTRY = fileURLToPath(new URL('../../dev/cliEntry.ts', import.meta.url));
const PROBE = fileURLToPath(new URL('../helpers/readyLineProbe.cjs', import.meta.url));
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Starts `keybound <args>` with the probe, SIGTERMs it on its ready line; how it ended and what the probe saw. */
async function terminateOnReady(
  args: string[],
): Promise<{ probe: string; code: number | null; signal: string | null }> {
  const child = spawn(process.execPath, ['--require', PROBE, '--import', 'tsx', ENTRY, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KEYBOUND_LOG_LEVEL: 'warn' },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.includes(' listening on ')) child.kill('SIGTERM');
  });
  try {
    const end = await within(exited, `keybound ${args[0]} to start and stop`, 60_000);
    const probe = /ready-probe: .*/.exec(stderr)?.[0] ?? `no ready line; stderr: ${stderr.slice(-800)}`;
    return { probe, ...end };
  } finally {
    child.kill('SIGKILL');
  }
}

/** Whether the probe saw at least one listener for each signal (a loader may add its own). */
function listeners(probe: string): { SIGTERM: boolean; SIGINT: boolean } | string {
  const m = /SIGTERM=(\d+) SIGINT=(\d+)/.exec(probe);
  return m ? { SIGTERM: Number(m[1]) > 0, SIGINT: Number(m[2]) > 0 } : probe;
}

describe('stop handlers are in place before the ready line', () => {
  it('should have the daemon listen for SIGTERM and SIGINT when it announces readiness, and exit 0 on an immediate SIGTERM', async () => {
    const dataDir = await makeTempDir('kb-ready-');
    dirs.push(dataDir);
    const end = await terminateOnReady(['daemon', '--port', '0', '--data-dir', dataDir, '--uv', 'deny']);
    expect(listeners(end.probe)).toEqual({ SIGTERM: true, SIGINT: true });
    expect(end).toMatchObject({ code: 0, signal: null });
  }, 90_000);

  it('should have the portal listen for SIGTERM and SIGINT when it announces readiness, and exit 0 on an immediate SIGTERM', async () => {
    const dir = await makeTempDir('kb-ready-');
    dirs.push(dir);
    const end = await terminateOnReady(['portal', '--port', '0', '--db', join(dir, 'portal.sqlite')]);
    expect(listeners(end.probe)).toEqual({ SIGTERM: true, SIGINT: true });
    expect(end).toMatchObject({ code: 0, signal: null });
  }, 90_000);
});
