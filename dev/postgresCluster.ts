/**
 * A throwaway PostgreSQL cluster for tests and benches: `initdb` into a temp folder, `postgres`
 * on 127.0.0.1 and a free port (trust authentication, loopback only, fsync off — test data only),
 * one database per test. Started as a direct child so it is stopped by its own PID. initdb
 * refuses to run as root (CI runs as root): then the cluster runs as the `postgres` system user
 * (spawn's uid/gid), which owns the folder; as any other user it runs as that user.
 *
 * Locally a test may skip when the binaries are missing; in CI (CI=true) a missing PostgreSQL is
 * a failure (see {@link postgresMissing}).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './freePort.js';
import { within } from './within.js';

/** Where Debian installs PostgreSQL 15 (the `postgresql` package); PG_BIN overrides. */
export const POSTGRES_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresMissing(): string | undefined {
  if (existsSync(join(POSTGRES_BIN, 'initdb')) && existsSync(join(POSTGRES_BIN, 'postgres'))) return undefined;
  return `PostgreSQL binaries not found in ${POSTGRES_BIN} (apt-get install postgresql, or set PG_BIN)`;
}

/** As root, the uid/gid of the `postgres` system user (initdb and postgres refuse root). */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('Running as root, and there is no "postgres" user to run PostgreSQL as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function runToEnd(command: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], ...(user ?? {}) });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr.slice(-2000)}`)),
    );
  });
}

let counter = 0;

async function asAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await within(client.connect(), `a connection to ${adminUrl}`);
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database on the server of `adminUrl` (its `postgres` database); returns its URL. */
export async function createDatabaseAt(adminUrl: string, prefix = 'kb'): Promise<string> {
  counter += 1;
  const name = `${prefix}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
  await asAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by {@link createDatabaseAt}, cutting off connections still open. */
export async function dropDatabaseAt(adminUrl: string, databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  await asAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

export interface PostgresCluster {
  readonly port: number;
  /** PID of the running postmaster (undefined while stopped). */
  readonly pid: number | undefined;
  /** `postgres://postgres@127.0.0.1:<port>/<database>`. */
  url(database?: string): string;
  /** A new, empty database; returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  dropDatabase(url: string): Promise<void>;
  /** Fast shutdown (clients are cut off); the data stays. */
  stop(): Promise<void>;
  /** Starts again on the same port and data. */
  start(): Promise<void>;
  /** Stops and removes the data folder. */
  destroy(): Promise<void>;
}

/** Starts a new cluster; bounded waits, clear errors. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const missing = postgresMissing();
  if (missing) throw new Error(missing);
  const user = runAs();
  const dir = await mkdtemp(join(tmpdir(), 'keybound-pg-'));
  if (user) await chown(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  await within(
    runToEnd(
      join(POSTGRES_BIN, 'initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'],
      user,
    ),
    'initdb',
    60_000,
  );
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';

  const start = async (): Promise<void> => {
    const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'];
    for (const setting of ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200']) {
      args.push('-c', setting);
    }
    const proc = spawn(join(POSTGRES_BIN, 'postgres'), args, { stdio: ['ignore', 'ignore', 'pipe'], ...(user ?? {}) });
    child = proc;
    proc.stderr?.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000);
    });
    const exited = new Promise<never>((_resolve, reject) =>
      proc.once('exit', (code) => reject(new Error(`postgres exited (${code}) while starting: ${log}`))),
    );
    exited.catch(() => undefined);
    // Ready when a connection succeeds (the log line differs between versions).
    const ready = (async () => {
      for (;;) {
        const client = new pg.Client({ connectionString: url('postgres') });
        try {
          await client.connect();
          await client.end();
          return;
        } catch {
          await client.end().catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    })();
    await within(Promise.race([ready, exited]), `postgres to accept connections on port ${port}`, 60_000);
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGINT'); // fast shutdown
    await within(exited, 'postgres to stop', 30_000).catch(async (err) => {
      proc.kill('SIGKILL');
      await exited;
      throw err;
    });
    child = undefined;
  };

  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;

  try {
    await start();
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    port,
    get pid() {
      return child?.pid;
    },
    url,
    createDatabase: (prefix?: string) => createDatabaseAt(url('postgres'), prefix),
    dropDatabase: (databaseUrl: string) => dropDatabaseAt(url('postgres'), databaseUrl),
    stop,
    start,
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
