/**
 * The portal as a fault-suite child process: the bundled `runPortal` (one file, started through
 * portalLoader.cjs with V8's code cache) on a real SQLite file, with KEYBOUND_FAULT=ipc so the
 * suite can arm a kill -9 or a full disk at an exact store step (portal/src/db/storeFaults.ts) and
 * jump its clock. Every wait is bounded and fails with the process's last log lines.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { within } from '../../../dev/within.js';
import { DEFAULT_HASHING_BUDGET } from '../../../portal/src/security/HashingBudget.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
export const PORTAL_BUNDLE = join(ROOT, 'node_modules', '.cache', 'keybound-fault', 'portal.cjs');
const LOADER = join(import.meta.dirname, 'portalLoader.cjs');

/**
 * Bundles the portal's `runPortal` into one CommonJS file (native and optional modules stay
 * outside). Written beside and renamed into place: both fault suites bundle it, in two workers.
 */
export async function bundlePortal(): Promise<void> {
  await mkdir(join(PORTAL_BUNDLE, '..'), { recursive: true });
  const { rolldown } = await import('rolldown');
  const bundle = await rolldown({
    input: join(ROOT, 'portal/src/cli/runPortal.ts'),
    platform: 'node',
    external: ['better-sqlite3', 'pg', 'pg-native'],
    logLevel: 'silent',
  });
  const tmp = `${PORTAL_BUNDLE}.${process.pid}.tmp`;
  await bundle.write({ file: tmp, format: 'cjs', codeSplitting: false });
  await bundle.close();
  await rename(tmp, PORTAL_BUNDLE);
}

export interface FaultyPortalOptions {
  port: number;
  database: string;
  issuer: string;
  env: Record<string, string>;
}

export class FaultyPortal {
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stderr = '';
  /** The store steps the portal reported in its last answer (see `{ fault: 'count' }`). */
  lastSteps = 0;

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-8_000);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts a portal and waits for its ready line. */
  static async start(o: FaultyPortalOptions): Promise<FaultyPortal> {
    // One client (this test, from 127.0.0.1) signs in by password some hundred times in a few
    // minutes: its hashing budget (shared through the database) is raised, the rest is the default.
    const hashing = { ...DEFAULT_HASHING_BUDGET, perClient: { burst: 10_000, perMinute: 10_000 } };
    const options = { port: o.port, database: o.database, issuer: o.issuer, hashing };
    const child = spawn(process.execPath, [LOADER, PORTAL_BUNDLE, JSON.stringify(options)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, KEYBOUND_LOG_LEVEL: 'error', ...o.env, KEYBOUND_FAULT: 'ipc' },
    });
    const portal = new FaultyPortal(child);
    let stdout = '';
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('listening on')) resolve();
      });
      child.once('exit', (code, signal) =>
        reject(new Error(`portal exited (${code ?? signal}) before it was ready: ${portal.stderr.slice(-2000)}`)),
      );
    });
    try {
      await within(ready, 'the fault-suite portal to print its ready line', 60_000);
    } catch (err) {
      await portal.kill();
      throw err;
    }
    return portal;
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** How it ended: 'SIGKILL' when an armed kill fired. Undefined while it runs. */
  get endedBy(): string | undefined {
    return this.alive ? undefined : (this.child.signalCode ?? `exit ${this.child.exitCode}`);
  }

  log(): string {
    return this.stderr;
  }

  /**
   * Arms a fault (storeFaults.ts) or sets the clock (portalLoader.cjs); resolves true once the
   * portal has it, false when the process is gone instead (an armed kill fired — the HTTP client
   * can see the socket close before this process sees the exit).
   */
  async send(message: Record<string, unknown>): Promise<boolean> {
    if (!this.alive || !this.child.connected) {
      await this.waitForExit();
      return false;
    }
    const expected = message.fault === 'clock' ? 'clock-set' : 'armed';
    let onMessage: ((m: { fault?: string; steps?: number }) => void) | undefined;
    const answered = new Promise<boolean>((resolve) => {
      onMessage = (m: { fault?: string; steps?: number }) => {
        if (m?.fault !== expected) return;
        if (typeof m.steps === 'number') this.lastSteps = m.steps;
        resolve(true);
      };
      this.child.on('message', onMessage);
    });
    this.child.send(message, (err) => {
      if (err) this.child.kill('SIGKILL');
    });
    try {
      return await within(
        Promise.race([answered, this.exited.then(() => false)]),
        `the portal to take ${JSON.stringify(message)}`,
      );
    } finally {
      if (onMessage) this.child.off('message', onMessage);
    }
  }

  /** Waits until the process is gone (after an armed kill fired). */
  async waitForExit(): Promise<void> {
    await within(this.exited, `portal ${this.pid} to exit`);
  }

  /** SIGKILL by PID (a crash), unless it is gone already. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await within(this.exited, `portal ${this.pid} to die after SIGKILL`);
  }

  /** SIGTERM (a graceful restart), SIGKILL if it does not exit in time. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    await within(this.exited, `portal ${this.pid} to exit after SIGTERM`, 30_000).catch(() => this.kill());
  }
}
