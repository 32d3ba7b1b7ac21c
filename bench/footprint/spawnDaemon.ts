/**
 * Spawns the real `keybound daemon` (bin/keybound.js → dist/keybound-daemon.cjs) as a user or service manager
 * would, and times it until its one stdout line `keybound daemon listening on ws://…`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_EXTENSION_ID } from '../../dev/daemonClient.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const LISTENING = /^keybound daemon listening on (ws:\/\/127\.0\.0\.1:(\d+))$/m;

export interface SpawnedDaemon {
  child: ChildProcess;
  pid: number;
  url: string;
  /** ms from spawn() to the listening line. */
  readyMs: number;
  logFile: string;
  /** SIGTERM, then wait for the exit (SIGKILL after 5 s). Resolves to the exit code. */
  stop(): Promise<number | null>;
}

/** Starts the daemon on port 0 in `dataDir` with `--uv auto`, the benchmark extension pre-authorised. */
export async function spawnDaemon(dataDir: string, logFile = join(dataDir, 'stderr.log')): Promise<SpawnedDaemon> {
  const err = openSync(logFile, 'a');
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/keybound.js'),
      'daemon',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--uv',
      'auto',
      '--allow-extension',
      TEST_EXTENSION_ID,
      '--preauthorize-pairing',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', err], env: { ...process.env, KEYBOUND_LOG_LEVEL: 'info' } },
  );
  closeSync(err);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('daemon not listening after 15 s')), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = LISTENING.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code} before listening: ${readFileSync(logFile, 'utf8').slice(-500)}`));
    });
  });
  const readyMs = performance.now() - started;
  return {
    child,
    pid: child.pid!,
    url,
    readyMs,
    logFile,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(kill);
      return code;
    },
  };
}

/** Resident memory (MB) of `pid` from /proc (Linux); undefined elsewhere. */
export function rssMb(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Waits until RSS stops moving (two readings 250 ms apart within 0.5 MB) or `maxMs`, and returns it. */
export async function settledRssMb(pid: number, maxMs: number): Promise<number | undefined> {
  const deadline = performance.now() + maxMs;
  let last = rssMb(pid);
  while (performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const now = rssMb(pid);
    if (now === undefined || last === undefined) return now;
    if (Math.abs(now - last) < 0.5) return now;
    last = now;
  }
  return rssMb(pid);
}
