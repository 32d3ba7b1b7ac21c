/**
 * The one way tests and benchmarks start a portal in this process: `startPortal` on 127.0.0.1,
 * port 0, a SQLite file in a fresh temporary folder (or the `store` given: a PostgreSQL database
 * made for this portal, dropped at close), a silent logger. `restart()` stops it and starts a new
 * one on the same port and store, as after a process restart; `close()` stops it and removes the
 * folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningPortal, type StartPortalOptions, startPortal } from '../portal/src/startPortal.js';
import { silentLogger } from '../shared/node/createLogger.js';

export interface DevPortal {
  /** The running portal (a new one after each `restart()`). */
  readonly portal: RunningPortal;
  /** The store's location: the SQLite file, or the `postgres://` URL of `store`. */
  readonly database: string;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A store made for one portal: where it is, and how to remove it afterwards. */
export interface DevStore {
  location: string;
  drop(): Promise<void>;
}

export async function startDevPortal(
  options: Partial<StartPortalOptions> & { store?: (dir: string) => Promise<DevStore> } = {},
): Promise<DevPortal> {
  const { store: makeStore, ...portalOptions } = options;
  const dir = mkdtempSync(join(tmpdir(), 'keybound-portal-'));
  let store: DevStore = { location: join(dir, 'portal.sqlite'), drop: async () => undefined };
  const start = (port: number) =>
    startPortal({ logger: silentLogger(), ...portalOptions, port, database: store.location });
  let portal: RunningPortal;
  try {
    if (makeStore) store = await makeStore(dir);
    portal = await start(options.port ?? 0);
  } catch (err) {
    await store.drop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    get portal() {
      return portal;
    },
    database: store.location,
    async restart() {
      const port = portal.port;
      await portal.close();
      portal = await start(port);
    },
    async close() {
      await portal.close();
      await store.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
