/**
 * `npm run bench [-- --quick] [-- --only NAME]`: runs the benchmarks in turn, prints Markdown
 * (machine, tables, one verdict line per target) to stdout and progress to stderr.
 *
 * Exit code: 0 even when a target is missed (benchmarks report; they do not fail CI), 1 when a
 * benchmark crashed, 2 on bad arguments. `--quick` (CI) uses tiny sizes and only shows that each
 * benchmark still runs and prints its table; its figures mean nothing.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { browserBenchmark } from './browser/browserBenchmark.js';
import { footprintBenchmark } from './footprint/footprintBenchmark.js';
import { type Benchmark, formatVerdict, type Verdict } from './lib/Benchmark.js';
import { formatMachineInfo, machineInfo } from './lib/machineInfo.js';
import { pairingBenchmark } from './pairing/pairingBenchmark.js';
import { relayBenchmark } from './relay/relayBenchmark.js';
import { portalBenchmark, scaleBenchmark } from './scale/scaleBenchmark.js';
import { revocationBenchmark } from './sessions/revocationBenchmark.js';
import { sessionsBenchmark } from './sessions/sessionsBenchmark.js';
import { tpmBenchmark } from './tpm/tpmBenchmark.js';

export const BENCHMARKS: readonly Benchmark[] = [
  relayBenchmark,
  footprintBenchmark,
  scaleBenchmark,
  portalBenchmark,
  browserBenchmark,
  tpmBenchmark,
  sessionsBenchmark,
  revocationBenchmark,
  pairingBenchmark,
];

export interface RunOptions {
  quick: boolean;
  only?: string[];
}

/** Runs the selected benchmarks; returns the verdicts and the names of those that crashed. */
export async function runBenchmarks(options: RunOptions): Promise<{ verdicts: Verdict[]; crashed: string[] }> {
  const selected = options.only?.length ? BENCHMARKS.filter((b) => options.only!.includes(b.name)) : BENCHMARKS;
  const progress = (m: string) => process.stderr.write(`bench: ${m}\n`);
  process.stdout.write(`# Keybound benchmarks${options.quick ? ' (quick mode: figures not meaningful)' : ''}\n\n`);
  process.stdout.write(`${formatMachineInfo(machineInfo())}\n`);
  const verdicts: Verdict[] = [];
  const crashed: string[] = [];
  for (const bench of selected) {
    process.stdout.write(`\n## ${bench.title} (\`${bench.name}\`)\n`);
    const started = performance.now();
    try {
      verdicts.push(...(await bench.run({ quick: options.quick, progress })));
    } catch (err) {
      crashed.push(bench.name);
      process.stdout.write(`\n**${bench.name} crashed**: ${err instanceof Error ? err.message : String(err)}\n`);
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    progress(`${bench.name} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  process.stdout.write('\n## Verdicts\n\n');
  for (const v of verdicts) process.stdout.write(`- ${formatVerdict(v)}\n`);
  for (const name of crashed) process.stdout.write(`- ${name}: CRASHED\n`);
  process.stdout.write(`\nLoad average (1 min) at the end: ${(loadavg()[0] ?? 0).toFixed(2)}\n`);
  return { verdicts, crashed };
}

async function main(): Promise<number> {
  let values: { quick?: boolean; only?: string[] };
  try {
    ({ values } = parseArgs({
      options: { quick: { type: 'boolean' }, only: { type: 'string', multiple: true } },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: bench/run.ts [--quick] [--only NAME]...\n`);
    return 2;
  }
  const only = values.only?.flatMap((o) => o.split(','));
  const unknown = only?.filter((o) => !BENCHMARKS.some((b) => b.name === o)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`,
    );
    return 2;
  }
  const { crashed } = await runBenchmarks({ quick: values.quick === true, ...(only ? { only } : {}) });
  return crashed.length > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
