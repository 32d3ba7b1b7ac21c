import type { Benchmark } from '../lib/Benchmark.js';

export const footprintBenchmark: Benchmark = { name: 'footprint', title: 'Footprint', run: async () => [] };
