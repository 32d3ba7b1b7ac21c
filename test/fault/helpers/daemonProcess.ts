/**
 * The daemon as a fault-suite child process: the bundled `keybound daemon` (one file, fast to start,
 * so many kill points fit), started on a data dir and killed with SIGKILL by PID. Every wait is
 * bounded and fails with the process's last log lines. `inspectDataDir` reads what a crash may
 * have left behind once the restarted daemon's start-up sweep ran.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TEST_EXTENSION_ID } from '../../../dev/daemonClient.js';
import { within } from '../../../dev/within.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
export const DAEMON_BUNDLE = join(ROOT, 'node_modules', '.cache', 'keybound-fault', 'daemon.cjs');

/**
 * Bundles `daemonMain` into one CommonJS file. Written beside and renamed into place, so a suite
 * in the other test worker never starts a half-written bundle.
 */
export async function bundleDaemon(): Promise<void> {
  await mkdir(join(DAEMON_BUNDLE, '..'), { recursive: true });
  const { rolldown } = await import('rolldown');
  const bundle = await rolldown({
    input: join(ROOT, 'daemon/src/cli/daemonMain.ts'),
    platform: 'node',
    external: ['better-sqlite3'],
    logLevel: 'silent',
  });
  const tmp = `${DAEMON_BUNDLE}.${process.pid}.tmp`;
  await bundle.write({ file: tmp, format: 'cjs', codeSplitting: false });
  await bundle.close();
  await rename(tmp, DAEMON_BUNDLE);
}

export interface DaemonProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** Its last stderr, for failure messages. */
  log(): string;
}

/**
 * Starts the bundled daemon on `dataDir` (an auto-approving Protect, the test extension allowed and
 * pre-authorised). With `killAt`, it kills itself at that durable step (daemon/src/storage/faultPoint.ts).
 * Rejects when it exits before printing its ready line.
 */
export function startDaemon(dataDir: string, options: { killAt?: number } = {}): Promise<DaemonProcess> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(DAEMON_BUNDLE)}).daemonMain(process.argv.slice(1)).then((c) => { process.exitCode = c; })`,
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
    {
      env: {
        ...process.env,
        KEYBOUND_LOG_LEVEL: 'warn',
        KEYBOUND_FAULT_KILL_AT: options.killAt ? String(options.killAt) : '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4_000);
  });
  const ready = new Promise<DaemonProcess>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d;
      const m = /listening on (ws:\/\/127\.0\.0\.1:(\d+))/.exec(out);
      if (m) resolve({ child, port: Number(m[2]), url: m[1] as string, log: () => err });
    });
    child.on('exit', (code, signal) => reject(new Error(`daemon exited (${code ?? signal}) before ready: ${err}`)));
  });
  return within(ready, 'the daemon to listen').catch((e: unknown) => {
    child.kill('SIGKILL');
    throw e;
  });
}

/** SIGKILL by PID (a crash), unless it is gone already; resolves once it has exited. */
export function killDaemon(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return within(exited, `daemon ${child.pid} to die after SIGKILL`);
}

export interface DataDirReport {
  /** `.tmp` files left in the data dir or its keys folder. */
  tmp: string[];
  /** Key files no credential uses (besides the identity key). */
  orphanKeys: number;
  /** Credentials whose key file is missing. */
  keyless: number;
  /** The stored credentials' ids. */
  ids: string[];
}

/** What is on disk: leftovers and credentials without keys (read after the start-up sweep ran). */
export async function inspectDataDir(dataDir: string): Promise<DataDirReport> {
  const keys = await readdir(join(dataDir, 'keys')).catch(() => [] as string[]);
  const names = [...(await readdir(dataDir)), ...keys];
  const keyFiles = new Set(keys.map((n) => n.replace(/\.key$/, '')));
  const db = new Database(join(dataDir, 'credentials.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT credentialId, keyRef FROM credentials').all() as {
      credentialId: string;
      keyRef: string;
    }[];
    const used = new Set(rows.map((r) => r.keyRef));
    // Key files besides the credentials' are the identity key (one): more would be orphans.
    const extra = [...keyFiles].filter((k) => !used.has(k)).length;
    return {
      tmp: names.filter((n) => n.endsWith('.tmp')),
      orphanKeys: Math.max(0, extra - 1),
      keyless: rows.filter((r) => !keyFiles.has(r.keyRef)).length,
      ids: rows.map((r) => r.credentialId),
    };
  } finally {
    db.close();
  }
}

/** What the report says is wrong, or undefined when the data dir is clean. */
export function dataDirProblem(disk: DataDirReport): string | undefined {
  if (disk.tmp.length > 0) return `temp files left: ${disk.tmp.join(', ')}`;
  if (disk.orphanKeys > 0) return `${disk.orphanKeys} orphan key(s)`;
  if (disk.keyless > 0) return `${disk.keyless} credential(s) without a key`;
  return undefined;
}
