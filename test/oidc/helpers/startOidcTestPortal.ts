/**
 * The dev kit's portal (dev/startDevPortal.ts) for the OIDC tests: a SQLite file in a temp dir (or
 * a fresh PostgreSQL database in the `postgres` test project, see test/helpers/testStore.ts),
 * 127.0.0.1 on a free port, canonical origin `http://localhost:<port>`. `restart()` stops it and starts a new
 * one on the same port and file, as after a process restart.
 */
import { startDevPortal } from '../../../dev/startDevPortal.js';
import type { PortalDb } from '../../../portal/src/db/openDatabase.js';
import type { PortalContext } from '../../../portal/src/PortalContext.js';
import { newTestDatabase } from '../../helpers/testStore.js';

export interface TestPortal {
  readonly origin: string;
  readonly port: number;
  readonly db: PortalDb;
  readonly ctx: PortalContext;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startOidcTestPortal(): Promise<TestPortal> {
  const dev = await startDevPortal({ store: (dir) => newTestDatabase(dir, 'portal.db') });
  return {
    get origin() {
      return dev.portal.origin;
    },
    get port() {
      return dev.portal.port;
    },
    get db() {
      return dev.portal.db;
    },
    get ctx() {
      return dev.portal.ctx;
    },
    restart: () => dev.restart(),
    close: () => dev.close(),
  };
}
