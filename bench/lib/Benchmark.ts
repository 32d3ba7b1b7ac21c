/**
 * What every benchmark under bench/ exports: a name for `--only`, and a run that prints its
 * tables (bench/lib/stats.ts printTable) and returns one verdict per target it measures.
 */

export interface BenchContext {
  /** CI mode: tiny sizes, only checks that the benchmark still runs and prints its table. */
  quick: boolean;
  /** Progress for the human watching (stderr, so stdout stays pasteable Markdown). */
  progress(message: string): void;
}

export interface Verdict {
  /** What was measured, e.g. `relay ratio p50`. */
  label: string;
  /** The figure, formatted, e.g. `1.18×`. */
  value: string;
  /** The target, formatted, e.g. `≤ 1.3×`. */
  target: string;
  /** undefined: informational (no target, or the figure could not be taken). */
  met: boolean | undefined;
  /** Why a figure is missing or what qualifies it. */
  note?: string;
}

export interface Benchmark {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<Verdict[]>;
}

/** The one-line verdict `relay ratio p50 1.18× (target ≤ 1.3×): met`. */
export function formatVerdict(v: Verdict): string {
  const state = v.met === undefined ? 'info' : v.met ? 'met' : 'MISSED';
  return `${v.label} ${v.value} (target ${v.target}): ${state}${v.note ? ` — ${v.note}` : ''}`;
}

/** Milliseconds with three decimals below 10 ms, one above. */
export function ms(x: number): string {
  return Number.isFinite(x) ? (x < 10 ? x.toFixed(3) : x.toFixed(1)) : 'n/a';
}
