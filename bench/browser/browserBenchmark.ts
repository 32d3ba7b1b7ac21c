/**
 * Browser (DESIGN.md): a full passwordless sign-in in headless Chromium through our path (portal
 * page → content script → service worker → daemon, `--uv auto` → portal verify → signed in) side
 * by side with the same portal signing in through Chromium's built-in WebAuthn (a DevTools
 * virtual authenticator holding a credential the portal knows for the same user). Target: ours
 * not slower, at p50 and p99.
 *
 * Each sign-in runs from the email form's submit (Continue) to the signed-in home page's
 * DOMContentLoaded, on the in-page clock; the user signs out in between. The two paths take
 * turns (ours, built-in, then built-in, ours, …) so machine noise falls on both.
 */

import { extensionWorker } from '../../dev/browser.js';
import { type BenchContext, type Benchmark, ms, type Verdict } from '../lib/Benchmark.js';
import { printTable, type Summary, summarize } from '../lib/stats.js';
import { measureDaemonAlone } from './measureDaemonAlone.js';
import { hopDurations, printHops } from './signInHops.js';
import { type Mark, type SignInSample, signInOnce, signOut } from './signInOnce.js';
import { type BrowserBench, startBrowserBench } from './startBrowserBench.js';
import { drainWorkerMarks, instrumentWorker } from './workerTimeline.js';

/** Ours may take at most this many times the built-in time (1: not slower). */
export const BROWSER_TARGET = 1.0;

interface PathRun {
  samples: SignInSample[];
  wallMs: number;
}

async function measure(bench: BrowserBench, ctx: BenchContext, n: number, warmup: number) {
  const origin = bench.stack.portalOrigin;
  const email = bench.stack.email;
  const paths = { ours: bench.ours.page, builtIn: bench.builtIn.page } as const;
  const runs: Record<keyof typeof paths, PathRun> = {
    ours: { samples: [], wallMs: 0 },
    builtIn: { samples: [], wallMs: 0 },
  };
  const once = async (path: keyof typeof paths, keep: boolean) => {
    const t0 = performance.now();
    if (path === 'ours') await drainWorkerMarks(worker); // the email page's own marks
    const sample = await signInOnce(paths[path], origin, email);
    if (path === 'ours') sample.marks.push(...(await drainWorkerMarks(worker)));
    if (keep) {
      runs[path].samples.push(sample);
      runs[path].wallMs += performance.now() - t0;
    }
    await signOut(paths[path]);
  };
  // Chrome may have restarted the worker since setup: hook the live one (no-op when still hooked).
  const worker = await extensionWorker(bench.ours.browser.context);
  await instrumentWorker(worker, bench.ours.settings);
  await drainWorkerMarks(worker);
  for (let i = 0; i < warmup + n; i++) {
    const keep = i >= warmup;
    const order: (keyof typeof paths)[] = i % 2 === 0 ? ['ours', 'builtIn'] : ['builtIn', 'ours'];
    for (const path of order) await once(path, keep);
    if (keep && (i - warmup + 1) % 10 === 0) ctx.progress(`browser: ${i - warmup + 1}/${n} sign-ins each`);
  }
  return runs;
}

const pageSummary = (run: PathRun): Summary =>
  summarize(
    run.samples.map((s) => s.pageMs),
    run.wallMs,
  );
const wallSummary = (run: PathRun): Summary =>
  summarize(
    run.samples.map((s) => s.wallMs),
    run.wallMs,
  );

function ratioVerdict(quantile: 'p50' | 'p99', ours: Summary, builtIn: Summary, quick: boolean): Verdict {
  const ratio = ours[quantile] / builtIn[quantile];
  return {
    label: `browser sign-in ours / built-in WebAuthn, ${quantile}`,
    value: `${ratio.toFixed(2)}× (${ms(ours[quantile])} vs ${ms(builtIn[quantile])} ms)`,
    target: `≤ ${BROWSER_TARGET.toFixed(1)}× (not slower)`,
    met: quick ? undefined : ratio <= BROWSER_TARGET,
    ...(quick ? { note: 'quick mode: 3 sign-ins each, not meaningful' } : {}),
  };
}

export async function runBrowser(ctx: BenchContext): Promise<Verdict[]> {
  const n = ctx.quick ? 3 : 40;
  const warmup = ctx.quick ? 1 : 3;
  const bench = await startBrowserBench(ctx.progress);
  let runs: Awaited<ReturnType<typeof measure>>;
  let counter: number;
  let daemonAlone: Awaited<ReturnType<typeof measureDaemonAlone>>;
  try {
    ctx.progress(`browser: ${warmup} warm-up + ${n} measured sign-ins per path, interleaved`);
    runs = await measure(bench, ctx, n, warmup);
    counter = await bench.builtIn.credential.signCount();
    ctx.progress('browser: the same daemon requests without a browser');
    daemonAlone = await measureDaemonAlone({
      daemonUrl: bench.stack.daemonUrl,
      portalOrigin: bench.stack.portalOrigin,
      rpId: 'localhost',
      email: bench.stack.email,
      credentialId: bench.ours.credentialId,
      n: ctx.quick ? 5 : 40,
    });
  } finally {
    await bench.close();
  }

  const ours = pageSummary(runs.ours);
  const builtIn = pageSummary(runs.builtIn);
  const oursWall = wallSummary(runs.ours);
  const builtInWall = wallSummary(runs.builtIn);
  printTable(
    'Passwordless sign-in: Continue pressed → signed-in home page (in-page clock)',
    ['path', 'n', 'p50 ms', 'p99 ms', 'mean ms', 'wall p50 ms (benchmark side)'],
    [
      ['ours: extension → daemon (`--uv auto`)', ours.n, ms(ours.p50), ms(ours.p99), ms(ours.mean), ms(oursWall.p50)],
      [
        'built-in: navigator.credentials.get (virtual authenticator)',
        builtIn.n,
        ms(builtIn.p50),
        ms(builtIn.p99),
        ms(builtIn.mean),
        ms(builtInWall.p50),
      ],
    ],
  );
  printTable(
    'Ratio ours / built-in',
    ['quantile', 'ratio', 'target'],
    (['p50', 'p99'] as const).map((q) => [q, `${(ours[q] / builtIn[q]).toFixed(2)}×`, `≤ ${BROWSER_TARGET}×`]),
  );
  const marks = (run: PathRun): Mark[][] => run.samples.map((s) => s.marks);
  printHops(marks(runs.ours), marks(runs.builtIn));
  const hops = hopDurations('ours', marks(runs.ours));
  const pageApiP50 = (type: string) =>
    summarize(hops.get(`ours: page API ${type} (page → content → worker → daemon → back)`) ?? [], 1).p50;
  printTable(
    "Ours: the daemon's share of each page API round trip (daemon alone: the benchmark process sends the worker's request over loopback)",
    [
      'request',
      'page API p50 ms (in browser)',
      'daemon alone p50 ms',
      'daemon alone p99 ms',
      'browser side p50 ms (difference)',
    ],
    (['status', 'signIn'] as const).map((type) => [
      type,
      ms(pageApiP50(type)),
      ms(daemonAlone[type].p50),
      ms(daemonAlone[type].p99),
      ms(pageApiP50(type) - daemonAlone[type].p50),
    ]),
  );
  process.stdout.write(
    `\nVirtual authenticator signature counter at the end: ${counter} (the portal refuses a sign-in whose counter does not rise).\n`,
  );
  return [ratioVerdict('p50', ours, builtIn, ctx.quick), ratioVerdict('p99', ours, builtIn, ctx.quick)];
}

export const browserBenchmark: Benchmark = {
  name: 'browser',
  title: 'Browser: passwordless sign-in, ours vs built-in WebAuthn',
  run: runBrowser,
};
