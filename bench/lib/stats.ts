/** Latency statistics and table printing for the benchmarks. */

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  /** Operations per second over the measured wall time. */
  throughput: number;
  /** The measured latencies (ms), in the order they were taken; kept so rounds can be pooled. */
  samples: number[];
  /** Wall time (ms) the samples took. */
  wallMs: number;
}

/** Summarises latencies (ms) measured over `wallMs` of wall time. */
export function summarize(latenciesMs: number[], wallMs: number): Summary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    p50: at(0.5),
    p99: at(0.99),
    mean,
    throughput: (sorted.length / wallMs) * 1000,
    samples: latenciesMs,
    wallMs,
  };
}

/** Pools summaries of interleaved rounds into one (latencies pooled, wall times added). */
export function pool(parts: readonly Summary[]): Summary {
  return summarize(
    parts.flatMap((p) => p.samples),
    parts.reduce((s, p) => s + p.wallMs, 0),
  );
}

/** Times `n` sequential runs of `fn` after `warmup` unmeasured runs. */
export async function timeSequential(
  fn: () => Promise<unknown>,
  n: number,
  warmup = Math.min(50, n),
): Promise<Summary> {
  for (let i = 0; i < warmup; i++) await fn();
  const lat: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    lat.push(performance.now() - t0);
  }
  return summarize(lat, performance.now() - start);
}

/** Prints a Markdown table (so the output can be pasted into docs/performance.md). */
export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const fmt = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : v);
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.map(fmt).join(' | ')} |`);
  process.stdout.write(`\n### ${title}\n\n${lines.join('\n')}\n`);
}
