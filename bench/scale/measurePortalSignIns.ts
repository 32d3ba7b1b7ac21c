/**
 * Complete device sign-ins against one or more real `keybound portal` processes (bin/keybound.js →
 * dist/, or the same files of another tree for a baseline), on a SQLite file or a PostgreSQL
 * database. The figure that matters is sign-ins per portal CPU-second: the portals' user + system
 * CPU time read from /proc/<pid>/stat over the measured sign-ins, so client work and other load on
 * a shared machine do not count. With several instances (or `viaProxy`), clients go through the
 * round-robin proxy and every instance shares the proxy's origin as `--issuer`.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRoundRobinProxy } from '../../dev/roundRobinProxy.js';
import type { SoftwareAuthenticator } from '../../dev/softwareAuthenticator.js';
import { addUser, newEnrollmentToken } from '../../portal/src/admin/adminActions.js';
import { openDatabase } from '../../portal/src/db/openDatabase.js';
import { oidcMigrations } from '../../portal/src/oidc/oidcMigrations.js';
import { registerBenchDevice, signInOnce } from './portalSignInClient.js';

const ROOT = new URL('../..', import.meta.url).pathname;
/** Linux reports process CPU time in clock ticks; 100 per second on every common kernel config. */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of `pid` so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

interface SpawnedPortal {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

async function spawnPortal(options: {
  root: string;
  database: string;
  issuer?: string;
  logFile: string;
  env: Record<string, string>;
  nodeArgs: string[];
}): Promise<SpawnedPortal> {
  const err = openSync(options.logFile, 'a');
  const args = [
    ...options.nodeArgs,
    join(options.root, 'bin/keybound.js'),
    'portal',
    '--port',
    '0',
    '--db',
    options.database,
  ];
  if (options.issuer) args.push('--issuer', options.issuer);
  const child = spawn(process.execPath, args, {
    cwd: options.root,
    stdio: ['ignore', 'pipe', err],
    env: { ...process.env, ...options.env },
  });
  closeSync(err);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('portal not listening after 60 s')), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /keybound portal listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`portal exited with ${code}: ${readFileSync(options.logFile, 'utf8').slice(-400)}`));
    });
  });
  return {
    pid: child.pid!,
    port,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface PortalRunOptions {
  /** A SQLite file or a `postgres://` URL (an empty database; users are added here). */
  database: string;
  /** The tree whose bin/keybound.js runs the portal (default: this one). */
  root?: string;
  instances: number;
  /** Clients through the round-robin proxy even with one instance (for a fair 1-vs-2 comparison). */
  viaProxy?: boolean;
  n: number;
  concurrency: number;
  /** Environment for the portals (e.g. KEYBOUND_PORTAL_KEY for PostgreSQL). */
  env?: Record<string, string>;
  /** The at-rest key for the seeding connection (PostgreSQL). */
  atRestKey?: Uint8Array;
  /** Write a V8 CPU profile of each portal here (`node --cpu-prof`). */
  cpuProfDir?: string;
  /** Folder for logs. */
  dir: string;
}

export interface PortalRunResult {
  signIns: number;
  cpuSeconds: number;
  wallMs: number;
  /** Per sign-in, client signing excluded. */
  latencies: number[];
  signMs: number;
}

/** Seeds users, starts the portals, registers a device per client, warms up, then measures. */
export async function measurePortalSignIns(options: PortalRunOptions): Promise<PortalRunResult> {
  const users = Array.from({ length: options.concurrency }, (_, i) => ({
    email: `bench${i}@acme.test`,
    password: `pw bench ${i} long enough`,
  }));
  const db = await openDatabase(options.database, {
    extraMigrations: oidcMigrations,
    now: Date.now(),
    ...(options.atRestKey ? { atRestKey: options.atRestKey } : {}),
  });
  const tokens: string[] = [];
  try {
    for (const u of users) {
      await addUser(db, Date.now(), { email: u.email, password: u.password, mfa: false });
      tokens.push((await newEnrollmentToken(db, Date.now())).token);
    }
  } finally {
    await db.close();
  }
  const proxied = options.viaProxy || options.instances > 1;
  const proxy = proxied ? await startRoundRobinProxy([], { keepAlive: true }) : undefined;
  const portals: SpawnedPortal[] = [];
  try {
    for (let i = 0; i < options.instances; i++) {
      portals.push(
        await spawnPortal({
          root: options.root ?? ROOT,
          database: options.database,
          ...(proxy ? { issuer: `http://localhost:${proxy.port}` } : {}),
          logFile: join(options.dir, `portal-${i}.log`),
          env: options.env ?? {},
          nodeArgs: options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [],
        }),
      );
      proxy?.setBackend(i, portals[i]!.port);
    }
    const origin = proxy ? `http://localhost:${proxy.port}` : `http://localhost:${portals[0]!.port}`;
    const devices: SoftwareAuthenticator[] = [];
    for (const [i, u] of users.entries()) devices.push(await registerBenchDevice(origin, u, tokens[i]!));
    // Warm-up: every client once per instance (JIT, statement caches, pools).
    for (let r = 0; r < options.instances; r++) {
      for (let i = 0; i < users.length; i++) await signInOnce(origin, devices[i]!, users[i]!.email);
    }
    const latencies: number[] = [];
    let signMs = 0;
    const cpu = () => portals.reduce((sum, p) => sum + cpuSeconds(p.pid), 0);
    const cpu0 = cpu();
    const t0 = performance.now();
    let started = 0;
    await Promise.all(
      users.map(async (u, i) => {
        while (started < options.n) {
          started++;
          const s = performance.now();
          const signed = await signInOnce(origin, devices[i]!, u.email);
          signMs += signed;
          latencies.push(performance.now() - s - signed);
        }
      }),
    );
    const wallMs = performance.now() - t0;
    return { signIns: latencies.length, cpuSeconds: cpu() - cpu0, wallMs, latencies, signMs };
  } finally {
    for (const p of portals) await p.stop();
    await proxy?.close();
  }
}
