/**
 * The portal's complete device sign-ins per portal CPU-second (issue 13's target: ≥ 1,000 on
 * SQLite), measured on real `keybound portal` processes (measurePortalSignIns.ts):
 *
 * - the floor: a bare node:http server answering the same five requests with one P-256
 *   verification (httpFloorServer.ts) — what HTTP alone costs on this machine at this load;
 * - SQLite, one instance — and, in full mode, the same on the baseline tree (the portal as it was
 *   before the throughput work, BASELINE_COMMIT, built into a temp folder) in the same run,
 *   alternating, so the before/after ratio does not depend on how loaded the machine is;
 * - PostgreSQL (a throwaway cluster), one instance direct, and one vs two instances through the
 *   round-robin proxy: the total sign-ins per second and per portal CPU-second of both.
 *
 * One sign-in is the whole journey the continue page drives: GET /signin, POST the email, POST
 * /api/webauthn/authentication/options, sign, POST /api/webauthn/authentication/verify.
 * `KEYBOUND_BENCH_CPU_PROF=<dir>` writes a V8 profile of every portal (bench/profile reads it).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresMissing, startPostgresCluster } from '../../dev/postgresCluster.js';
import { type BenchContext, ms, type Verdict } from '../lib/Benchmark.js';
import { buildNode } from '../lib/buildNode.js';
import { printTable, summarize } from '../lib/stats.js';
import { buildBaselineTree } from './buildBaselineTree.js';
import { measureHttpFloor } from './measureHttpFloor.js';
import { measurePortalSignIns, type PortalRunOptions, type PortalRunResult } from './measurePortalSignIns.js';

/** main before the throughput work of issue 13 (async store, DBSC and TPM attestation landed). */
export const BASELINE_COMMIT = 'b526eba';
export const TARGET_PER_CPU_SECOND = 1_000;

const perCpu = (r: PortalRunResult) => r.signIns / r.cpuSeconds;

function row(name: string, r: PortalRunResult): (string | number)[] {
  const s = summarize(r.latencies, r.wallMs);
  return [
    name,
    s.n,
    r.cpuSeconds.toFixed(2),
    Math.round(perCpu(r)),
    ms((r.cpuSeconds * 1000) / r.signIns),
    Math.round(s.throughput),
    ms(s.p50),
    ms(s.p99),
  ];
}

const HEADER = [
  'portal',
  'n',
  'portal CPU s',
  'sign-ins per portal CPU-second',
  'portal CPU ms per sign-in',
  'wall sign-ins/s (total)',
  'p50 ms (portal part)',
  'p99 ms',
];

export async function measurePortalThroughput(ctx: BenchContext): Promise<Verdict[]> {
  const n = ctx.quick ? 20 : 1_000;
  const concurrency = ctx.quick ? 2 : 8;
  const dir = await mkdtemp(join(tmpdir(), 'kb-portal-'));
  const profile = process.env.KEYBOUND_BENCH_CPU_PROF;
  let runs = 0;
  /** One measured run in its own folder; `database` defaults to a new SQLite file there. */
  const run = async (o: Partial<PortalRunOptions> & { instances: number }) => {
    runs += 1;
    const runDir = join(dir, `run${runs}`);
    await mkdir(runDir);
    return measurePortalSignIns({
      n,
      concurrency,
      dir: runDir,
      database: join(runDir, 'portal.sqlite'),
      ...(profile ? { cpuProfDir: profile } : {}),
      ...o,
    });
  };
  const verdicts: Verdict[] = [];
  try {
    ctx.progress('scale: portal set-up');
    buildNode();
    const rows: (string | number)[][] = [];

    // SQLite, this tree — and the baseline tree beside it, alternating (full mode).
    const current: PortalRunResult[] = [];
    const baseline: PortalRunResult[] = [];
    // A shallow clone has no baseline commit: the run goes on without the side-by-side rows.
    const baseRoot = ctx.quick
      ? undefined
      : await buildBaselineTree(BASELINE_COMMIT, dir, ctx.progress).catch((err: unknown) => {
          ctx.progress(`scale: no baseline (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
          return undefined;
        });
    const rounds = ctx.quick ? 1 : 2;
    for (let r = 0; r < rounds; r++) {
      if (baseRoot) {
        ctx.progress(`scale: ${n} sign-ins, SQLite, baseline ${BASELINE_COMMIT} (round ${r + 1})`);
        baseline.push(await run({ instances: 1, root: baseRoot }));
        ctx.progress(`scale: baseline ${Math.round(perCpu(baseline.at(-1)!))} sign-ins per portal CPU-second`);
      }
      ctx.progress(`scale: ${n} sign-ins, SQLite, this tree (round ${r + 1})`);
      current.push(await run({ instances: 1 }));
      ctx.progress(`scale: this tree ${Math.round(perCpu(current.at(-1)!))} sign-ins per portal CPU-second`);
    }
    const pooled = (rs: PortalRunResult[]): PortalRunResult => ({
      signIns: rs.reduce((a, b) => a + b.signIns, 0),
      cpuSeconds: rs.reduce((a, b) => a + b.cpuSeconds, 0),
      wallMs: rs.reduce((a, b) => a + b.wallMs, 0),
      latencies: rs.flatMap((x) => x.latencies),
      signMs: rs.reduce((a, b) => a + b.signMs, 0),
    });
    const now = pooled(current);
    ctx.progress(`scale: ${n} sign-ins against the floor (bare node:http, one P-256 verification)`);
    const floor = await measureHttpFloor(n, concurrency);
    if (baseline.length) rows.push(row(`SQLite, 1 instance, baseline ${BASELINE_COMMIT}`, pooled(baseline)));
    rows.push(row('SQLite, 1 instance', now));
    rows.push([
      'floor: bare node:http, the same 5 requests + 1 P-256 verify',
      floor.signIns,
      floor.cpuSeconds.toFixed(2),
      Math.round(floor.signIns / floor.cpuSeconds),
      ms((floor.cpuSeconds * 1000) / floor.signIns),
      '',
      '',
      '',
    ]);

    // PostgreSQL: one instance direct; one vs two behind the proxy.
    let pg: { one: PortalRunResult; viaProxy: PortalRunResult; two: PortalRunResult } | undefined;
    // Quick mode (CI) stays at a few seconds: SQLite only (a cluster's initdb alone takes seconds).
    const missing = ctx.quick ? 'skipped in --quick' : postgresMissing();
    let pgFailure: string | undefined;
    if (!missing) {
      try {
        const cluster = await startPostgresCluster();
        try {
          const key = randomBytes(32);
          const env = { KEYBOUND_PORTAL_KEY: key.toString('base64url') };
          const pgRun = async (instances: number, viaProxy: boolean) =>
            run({ database: await cluster.createDatabase('bench'), instances, viaProxy, env, atRestKey: key });
          ctx.progress(`scale: ${n} sign-ins, PostgreSQL, 1 instance`);
          const one = await pgRun(1, false);
          ctx.progress(`scale: ${n} sign-ins, PostgreSQL, 1 instance behind the proxy`);
          const viaProxy = await pgRun(1, true);
          ctx.progress(`scale: ${n} sign-ins, PostgreSQL, 2 instances behind the proxy`);
          const two = await pgRun(2, true);
          pg = { one, viaProxy, two };
          rows.push(row('PostgreSQL, 1 instance', one));
          rows.push(row('PostgreSQL, 1 instance behind the proxy', viaProxy));
          rows.push(row('PostgreSQL, 2 instances behind the proxy', two));
        } finally {
          await cluster.destroy();
        }
      } catch (err) {
        // The SQLite figures above still stand; say why PostgreSQL has none.
        pgFailure = err instanceof Error ? err.message : String(err);
        ctx.progress(`scale: PostgreSQL runs failed: ${pgFailure}`);
      }
    }
    printTable(
      `Portal: complete device sign-ins (5 HTTP requests + verification), ${concurrency} clients`,
      HEADER,
      rows,
    );
    process.stdout.write(
      `\nClient-side signing (SoftwareAuthenticator, not the portal): ${ms(now.signMs / now.signIns)} ms per sign-in on average, excluded from the latencies. CPU is the portal processes' own (user + system, /proc/<pid>/stat); wall figures include the clients and the proxy on the same 2 cores.\n`,
    );
    verdicts.push({
      label: 'portal device sign-ins per CPU-second (SQLite)',
      value: `${Math.round(perCpu(now))}/s${baseline.length ? ` (baseline ${Math.round(perCpu(pooled(baseline)))}/s, ×${(perCpu(now) / perCpu(pooled(baseline))).toFixed(2)})` : ''}; the HTTP floor in the same run ${Math.round(floor.signIns / floor.cpuSeconds)}/s`,
      target: `≥ ${TARGET_PER_CPU_SECOND}`,
      met: ctx.quick ? undefined : perCpu(now) >= TARGET_PER_CPU_SECOND,
    });
    if (pg) {
      verdicts.push({
        label: 'portal device sign-ins per CPU-second (PostgreSQL)',
        value: `${Math.round(perCpu(pg.one))}/s`,
        target: 'reported',
        met: undefined,
      });
      verdicts.push({
        label: 'PostgreSQL 1 → 2 instances, total wall sign-ins/s',
        value: `${Math.round(summarize(pg.viaProxy.latencies, pg.viaProxy.wallMs).throughput)} → ${Math.round(summarize(pg.two.latencies, pg.two.wallMs).throughput)}`,
        target: 'reported (2 cores, shared with the clients)',
        met: undefined,
      });
    } else {
      verdicts.push({
        label: 'portal sign-ins on PostgreSQL',
        value: 'not measured',
        target: 'reported',
        met: undefined,
        note: missing,
      });
    }
    return verdicts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
