/**
 * Starts bench/browser/demoStackChild.ts in a child process (same Node, same loader flags as this
 * process) with a temporary data root, waits for its ready line, and opens the portal's SQLite
 * file here too (WAL mode: the portal and this handle see each other's writes), so the benchmark
 * can read and add rows through the portal's own store functions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type PortalDb } from '../../portal/src/db/openDatabase.js';
import { totpCode } from '../../portal/src/security/totp.js';
import type { StackInfo } from './demoStackChild.js';

const CHILD = join(import.meta.dirname, 'demoStackChild.ts');
const READY_TIMEOUT_MS = 60_000;

export interface SpawnedStack extends StackInfo {
  db: PortalDb;
  pid: number;
  totpCode(): string;
  /** Stops the child (closing its stdin, SIGKILL after 10 s) and removes the data root. */
  close(): Promise<void>;
}

export async function spawnDemoStack(): Promise<SpawnedStack> {
  const dataRoot = await mkdtemp(join(tmpdir(), 'keybound-bench-browser-'));
  const child = spawn(process.execPath, [...process.execArgv, CHILD, dataRoot], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stopChild = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const info = await readyLine(child);
    const db = await openDatabase(info.dbFile);
    return {
      ...info,
      db,
      pid: child.pid ?? -1,
      totpCode: () => totpCode(info.totpSecret, Date.now()),
      close: async () => {
        await db.close();
        await stopChild();
        await rm(dataRoot, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopChild();
    await rm(dataRoot, { recursive: true, force: true });
    throw err;
  }
}

function readyLine(child: ChildProcess): Promise<StackInfo> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the demo stack was not ready within 60 s')), READY_TIMEOUT_MS);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(line) as StackInfo);
        } catch (err) {
          reject(err);
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo stack exited with ${code} before it was ready`));
    });
  });
}
