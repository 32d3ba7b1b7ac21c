import type { BenchContext, Verdict } from '../lib/Benchmark.js';

/** Placeholder until the portal part is written. */
export async function measurePortalThroughput(_ctx: BenchContext): Promise<Verdict[]> {
  return [];
}
