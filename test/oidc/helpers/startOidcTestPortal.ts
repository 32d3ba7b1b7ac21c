/**
 * The real portal (startPortal) for the OIDC tests: a SQLite file in a temp dir, 127.0.0.1 on a
 * free port, canonical origin `http://localhost:<port>`. `restart()` stops it and starts a new
 * one on the same port and file, as after a process restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PortalDb } from '../../../portal/src/db/openDatabase.js';
import type { PortalContext } from '../../../portal/src/PortalContext.js';
import { type RunningPortal, startPortal } from '../../../portal/src/startPortal.js';
import { silentLogger } from '../../../shared/node/createLogger.js';

export interface TestPortal {
  readonly origin: string;
  readonly port: number;
  readonly db: PortalDb;
  readonly ctx: PortalContext;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startOidcTestPortal(): Promise<TestPortal> {
  const dir = mkdtempSync(join(tmpdir(), 'keybound-oidc-'));
  const dbFile = join(dir, 'portal.db');
  let running: RunningPortal = await startPortal({ port: 0, dbFile, logger: silentLogger() });
  return {
    get origin() {
      return running.origin;
    },
    get port() {
      return running.port;
    },
    get db() {
      return running.db;
    },
    get ctx() {
      return running.ctx;
    },
    async restart() {
      const port = running.port;
      await running.close();
      running = await startPortal({ port, dbFile, logger: silentLogger() });
    },
    async close() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
