/**
 * Scale (DESIGN.md): sign-in latency as stored credentials grow (1 → 10,000) and as connections
 * grow (1 → 100). The portal's sign-ins per CPU-second are the `portal` benchmark (portalThroughput.ts).
 *
 * Connections are measured two ways: N paired connections open while one of them signs in
 * (does an open tab cost anything?), and N connections all signing in at once (closed loop:
 * a single-threaded daemon queues them, so there latency grows with N by design and throughput
 * is the figure that matters).
 */

import type { DaemonClient } from '../../dev/daemonClient.js';
import { type BenchContext, type Benchmark, ms, type Verdict } from '../lib/Benchmark.js';
import { startBenchDaemon } from '../lib/benchDaemon.js';
import { printTable, type Summary, summarize, timeSequential } from '../lib/stats.js';
import { measurePortalThroughput } from './portalThroughput.js';

/** Latency counts as flat when p50 at the largest size is within this factor of the smallest. */
export const FLAT_FACTOR = 1.5;

async function byCredentials(ctx: BenchContext, counts: readonly number[], n: number): Promise<Summary[]> {
  const out: Summary[] = [];
  for (const count of counts) {
    ctx.progress(`scale: ${count} stored credentials`);
    const bench = await startBenchDaemon({ fillerCredentials: count - 1 });
    try {
      out.push(await timeSequential(() => bench.signIn(), n));
    } finally {
      await bench.stop();
    }
  }
  return out;
}

async function byConnections(
  ctx: BenchContext,
  levels: readonly number[],
  n: number,
): Promise<{ idle: Summary[]; busy: Summary[] }> {
  const idle: Summary[] = [];
  const busy: Summary[] = [];
  const bench = await startBenchDaemon();
  try {
    const clients: DaemonClient[] = [bench.client];
    for (const level of levels) {
      ctx.progress(`scale: ${level} connections`);
      while (clients.length < level) clients.push(await bench.connect());
      idle.push(await timeSequential(() => bench.signIn(), n));
      // Every connection signs in sequentially; all at once. Warm-up first, then n in total.
      const each = Math.max(1, Math.ceil(n / level));
      await Promise.all(clients.map((c) => bench.signIn(c)));
      const lat: number[] = [];
      const t0 = performance.now();
      await Promise.all(
        clients.map(async (c) => {
          for (let i = 0; i < each; i++) {
            const s = performance.now();
            await bench.signIn(c);
            lat.push(performance.now() - s);
          }
        }),
      );
      busy.push(summarize(lat, performance.now() - t0));
    }
  } finally {
    await bench.stop();
  }
  return { idle, busy };
}

function flatVerdict(label: string, first: Summary, last: Summary): Verdict {
  const factor = last.p50 / first.p50;
  return {
    label,
    value: `p50 ×${factor.toFixed(2)} (${ms(first.p50)} → ${ms(last.p50)} ms)`,
    target: `flat: ≤ ×${FLAT_FACTOR}`,
    met: factor <= FLAT_FACTOR,
  };
}

export async function runScale(ctx: BenchContext): Promise<Verdict[]> {
  const counts = ctx.quick ? [1, 100, 1_000] : [1, 100, 10_000];
  const levels = [1, 10, 100];
  const n = ctx.quick ? 50 : 2_000;
  const row = (name: string | number, s: Summary) => [
    name,
    s.n,
    ms(s.p50),
    ms(s.p99),
    ms(s.mean),
    Math.round(s.throughput),
  ];

  const creds = await byCredentials(ctx, counts, n);
  printTable(
    'Sign-in latency by stored credentials (one connection, sequential)',
    ['credentials', 'n', 'p50 ms', 'p99 ms', 'mean ms', 'sign-ins/s'],
    creds.map((s, i) => row(counts[i]!, s)),
  );
  const conns = await byConnections(ctx, levels, n);
  printTable(
    'Sign-in latency with N connections open, one signing in',
    ['connections', 'n', 'p50 ms', 'p99 ms', 'mean ms', 'sign-ins/s'],
    conns.idle.map((s, i) => row(levels[i]!, s)),
  );
  printTable(
    'N connections all signing in at once (closed loop: latency includes queueing)',
    ['connections', 'n', 'p50 ms', 'p99 ms', 'mean ms', 'sign-ins/s (total)'],
    conns.busy.map((s, i) => row(levels[i]!, s)),
  );
  const verdicts: Verdict[] = [
    flatVerdict(`latency ${counts[0]} → ${counts.at(-1)} credentials`, creds[0]!, creds.at(-1)!),
    flatVerdict(`latency 1 → ${levels.at(-1)} open connections`, conns.idle[0]!, conns.idle.at(-1)!),
    {
      label: `throughput 1 → ${levels.at(-1)} busy connections`,
      value: `${Math.round(conns.busy[0]!.throughput)} → ${Math.round(conns.busy.at(-1)!.throughput)} sign-ins/s`,
      target: 'no collapse (informational)',
      met: undefined,
    },
  ];
  return verdicts;
}

export const scaleBenchmark: Benchmark = {
  name: 'scale',
  title: 'Scale: stored credentials, connections',
  run: runScale,
};

export const portalBenchmark: Benchmark = {
  name: 'portal',
  title: 'Portal: device sign-ins per portal CPU-second, SQLite and PostgreSQL, 1 and 2 instances',
  run: measurePortalThroughput,
};
