/**
 * The one way tests and benchmarks start a portal in this process: `startPortal` on 127.0.0.1,
 * port 0, a SQLite file in a fresh temporary folder, a silent logger. `restart()` stops it and
 * starts a new one on the same port and file, as after a process restart; `close()` stops it and
 * removes the folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningPortal, type StartPortalOptions, startPortal } from '../portal/src/startPortal.js';
import { silentLogger } from '../shared/node/createLogger.js';

export interface DevPortal {
  /** The running portal (a new one after each `restart()`). */
  readonly portal: RunningPortal;
  readonly dbFile: string;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startDevPortal(options: Partial<StartPortalOptions> = {}): Promise<DevPortal> {
  const dir = mkdtempSync(join(tmpdir(), 'keybound-portal-'));
  const dbFile = join(dir, 'portal.sqlite');
  const start = (port: number) => startPortal({ logger: silentLogger(), ...options, port, dbFile });
  let portal: RunningPortal;
  try {
    portal = await start(options.port ?? 0);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    get portal() {
      return portal;
    },
    dbFile,
    async restart() {
      const port = portal.port;
      await portal.close();
      portal = await start(port);
    },
    async close() {
      await portal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
