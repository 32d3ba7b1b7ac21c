/**
 * Daemon footprint (DESIGN.md): start to ready (< 300 ms), idle resident memory (< 60 MB), and
 * memory after many sign-ins against after the first thousand (no growth beyond noise). The
 * daemon is the real `keybound daemon` process (bin/keybound.js running the bundled
 * dist/keybound-daemon.cjs, built first with build:node),
 * spawned on port 0 in a temp data dir with `--uv auto`.
 *
 * The daemon started from the command line keeps its per-connection rate limit (50 messages/s,
 * burst 100), so the sign-ins go over a fresh connection every 90 requests, like a worker that
 * reconnects — which also exercises connection set-up and tear-down for leaks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectPaired, type DaemonClient, newInstall, type TestInstall } from '../../dev/daemonClient.js';
import { type BenchContext, type Benchmark, ms, type Verdict } from '../lib/Benchmark.js';
import { buildNode } from '../lib/buildNode.js';
import { prepareDevice } from '../lib/prepareDevice.js';
import { printTable, summarize } from '../lib/stats.js';
import { newRequestOptions, RP_ORIGIN, registerCredential } from '../lib/webauthnRequests.js';
import { measureHeapGrowth } from './measureHeapGrowth.js';
import { rssMb, settledRssMb, spawnDaemon } from './spawnDaemon.js';

export const READY_TARGET_MS = 300;
export const IDLE_RSS_TARGET_MB = 60;
/** Live heap may move this much after GC without anything being retained per sign-in (caches, JIT data). */
const HEAP_GROWTH_LIMIT_MB = 1;
const PER_CONNECTION = 90;

/** Runs `total` sign-ins, reconnecting every PER_CONNECTION; calls `at(count)` at each checkpoint. */
async function signInMany(
  url: string,
  install: TestInstall,
  credentialId: string,
  total: number,
  checkpoints: readonly number[],
  at: (count: number) => Promise<void>,
): Promise<number> {
  const started = performance.now();
  let done = 0;
  while (done < total) {
    const client: DaemonClient = await connectPaired(url, install);
    try {
      for (let i = 0; i < PER_CONNECTION && done < total; i++) {
        const r = await client.request('signIn', { origin: RP_ORIGIN, options: newRequestOptions(credentialId) });
        if (!r.ok) throw new Error(`sign-in ${done} refused: ${r.error.code}: ${r.error.message}`);
        done++;
        if (checkpoints.includes(done)) await at(done);
      }
    } finally {
      await client.close();
    }
  }
  return (done / (performance.now() - started)) * 1000;
}

export async function runFootprint(ctx: BenchContext): Promise<Verdict[]> {
  const starts = ctx.quick ? 3 : 15;
  const total = ctx.quick ? 500 : 10_000;
  const first = ctx.quick ? 100 : 1_000;
  ctx.progress('footprint: building dist/ (npm run build:node)');
  buildNode();
  const dataDir = await mkdtemp(join(tmpdir(), 'kb-foot-'));
  try {
    await prepareDevice(dataDir);
    const install = newInstall();
    // First start on this data dir: creates the install secret and the device identity.
    const firstRun = await spawnDaemon(dataDir);
    const setup = await connectPaired(firstRun.url, install);
    const credentialId = await registerCredential(setup);
    await setup.close();
    await firstRun.stop();

    const ready: number[] = [];
    const firstSignIn: number[] = [];
    for (let i = 0; i < starts; i++) {
      ctx.progress(`footprint: start ${i + 1}/${starts}`);
      const t0 = performance.now();
      const d = await spawnDaemon(dataDir);
      ready.push(d.readyMs);
      const c = await connectPaired(d.url, install);
      const r = await c.request('signIn', { origin: RP_ORIGIN, options: newRequestOptions(credentialId) });
      if (!r.ok) throw new Error(`first sign-in refused: ${r.error.code}`);
      firstSignIn.push(performance.now() - t0);
      await c.close();
      const code = await d.stop();
      if (code !== 0) throw new Error(`daemon exited with ${code} on SIGTERM`);
    }

    ctx.progress('footprint: idle memory and sign-ins');
    const d = await spawnDaemon(dataDir);
    try {
      const idle = await settledRssMb(d.pid, ctx.quick ? 1500 : 5000);
      const rss: Record<number, number | undefined> = {};
      const throughput = await signInMany(d.url, install, credentialId, total, [first, total], async (n) => {
        rss[n] = await settledRssMb(d.pid, ctx.quick ? 1000 : 3000);
        ctx.progress(`footprint: ${n} sign-ins, RSS ${rss[n]?.toFixed(1)} MB`);
      });
      const after = await settledRssMb(d.pid, ctx.quick ? 1000 : 3000);
      ctx.progress('footprint: live heap after GC (in-process daemon)');
      const heap = await measureHeapGrowth(first, total);
      const heapGrowth = heap.heapAtTotal - heap.heapAtFirst;
      const readyS = summarize(ready, 1);
      const signS = summarize(firstSignIn, 1);
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
      printTable(
        `Daemon start (${starts} starts of \`keybound daemon --port 0 --uv auto\` on an existing data dir)`,
        ['measure', 'median ms', 'min ms', 'max ms', 'target'],
        [
          [
            'spawn → "listening" line',
            ms(median(ready)),
            ms(Math.min(...ready)),
            ms(Math.max(...ready)),
            `< ${READY_TARGET_MS} ms`,
          ],
          [
            'spawn → first sign-in signed (connect, hello, auth, sign)',
            ms(median(firstSignIn)),
            ms(Math.min(...firstSignIn)),
            ms(Math.max(...firstSignIn)),
            '—',
          ],
        ],
      );
      const mb = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(1));
      const growth = rss[total] !== undefined && rss[first] !== undefined ? rss[total]! - rss[first]! : undefined;
      printTable(
        'Daemon resident memory (VmRSS)',
        ['when', 'RSS MB'],
        [
          ['idle after start (settled)', mb(idle)],
          [`after ${first} sign-ins`, mb(rss[first])],
          [`after ${total} sign-ins`, mb(rss[total])],
          ['a moment later (settled)', mb(after)],
          [`growth from ${first} to ${total}`, mb(growth)],
        ],
      );
      printTable(
        'Daemon live JavaScript heap after full GC (daemon in-process, same sign-ins)',
        ['when', 'heap MB'],
        [
          [`after ${first} sign-ins`, heap.heapAtFirst.toFixed(2)],
          [`after ${total} sign-ins`, heap.heapAtTotal.toFixed(2)],
          ['growth', `${heapGrowth >= 0 ? '+' : ''}${heapGrowth.toFixed(2)}`],
        ],
      );
      process.stdout.write(
        `\nSign-ins through the spawned daemon: ${Math.round(throughput)}/s sequential (fresh connection every ${PER_CONNECTION}; rate limit on). p50 ready ${ms(readyS.p50)} ms, first sign-in ${ms(signS.p50)} ms.\n`,
      );
      // Noise: RSS readings of an idle V8 process move by a few MB as the heap grows and is collected.
      const noiseMb = Math.max(3, 0.05 * (rss[first] ?? 0));
      return [
        {
          label: 'daemon ready (median)',
          value: `${ms(median(ready))} ms`,
          target: `< ${READY_TARGET_MS} ms`,
          met: median(ready) < READY_TARGET_MS,
        },
        idle === undefined
          ? {
              label: 'daemon idle RSS',
              value: 'n/a',
              target: `< ${IDLE_RSS_TARGET_MB} MB`,
              met: undefined,
              note: 'no /proc on this OS',
            }
          : {
              label: 'daemon idle RSS',
              value: `${idle.toFixed(1)} MB`,
              target: `< ${IDLE_RSS_TARGET_MB} MB`,
              met: idle < IDLE_RSS_TARGET_MB,
            },
        growth === undefined
          ? { label: 'RSS growth', value: 'n/a', target: 'within noise', met: undefined }
          : {
              label: `RSS growth ${first} → ${total} sign-ins`,
              value: `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB`,
              target: `≤ ${noiseMb.toFixed(1)} MB (noise)`,
              met: growth <= noiseMb,
            },
        {
          label: `live heap growth after GC ${first} → ${total} sign-ins`,
          value: `${heapGrowth >= 0 ? '+' : ''}${(heapGrowth * 1024).toFixed(0)} KB`,
          target: `≤ ${HEAP_GROWTH_LIMIT_MB * 1024} KB`,
          met: heapGrowth <= HEAP_GROWTH_LIMIT_MB,
        },
      ];
    } finally {
      const code = await d.stop();
      if (code !== 0) ctx.progress(`footprint: daemon exited with ${code} on SIGTERM`);
      if (rssMb(d.pid) !== undefined) ctx.progress('footprint: daemon still alive after stop');
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

export const footprintBenchmark: Benchmark = {
  name: 'footprint',
  title: 'Daemon footprint: start, idle memory, memory under sign-ins',
  run: runFootprint,
};
