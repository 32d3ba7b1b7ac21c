/**
 * One `keybound portal` as a real child process (from the TypeScript sources, as the CLI tests
 * run it), for tests of several instances: its port comes from its one ready line, it can be
 * killed with SIGKILL mid-flow, and it is always stopped by its own PID. Start-up waits are
 * bounded and fail with the process's last log lines.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { within } from '../../dev/within.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ENTRY = `import('${join(ROOT, 'cli', 'main.ts')}').then(async (m) => { process.exitCode = await m.main(process.argv.slice(1)); })`;

export interface PortalProcess {
  readonly port: number;
  readonly pid: number;
  /** stderr so far (the structured log), for failure messages. */
  log(): string;
  /** SIGKILL, as a crash: nothing is flushed or closed. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait (SIGKILL if it does not exit in time). */
  stop(): Promise<void>;
}

export interface PortalProcessOptions {
  /** `--db`: a `postgres://` URL (or a SQLite file). */
  database: string;
  /** `--issuer`: the public origin every instance shares (the proxy's). */
  issuer: string;
  /** Extra environment, e.g. KEYBOUND_PORTAL_KEY. */
  env?: Record<string, string>;
}

export async function startPortalProcess(options: PortalProcessOptions): Promise<PortalProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', '-e', ENTRY, 'portal', '--port', '0', '--db', options.database, '--issuer', options.issuer],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KEYBOUND_LOG_LEVEL: 'info', ...options.env },
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stdout = '';
  const ready = new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) =>
      reject(new Error(`portal exited (${code}) before it was ready: ${stderr.slice(-2000)}`)),
    );
  });
  let port: number;
  try {
    port = await within(ready, 'a portal process to print its ready line', 90_000);
  } catch (err) {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    throw err;
  }
  const pid = child.pid as number;
  return {
    port,
    pid,
    log: () => stderr,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await within(exited, `portal ${pid} to die after SIGKILL`);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await within(exited, `portal ${pid} to exit after SIGTERM`, 30_000).catch(async (err) => {
        child.kill('SIGKILL');
        await exited;
        throw err;
      });
    },
  };
}
