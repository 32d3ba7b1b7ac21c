import type { Benchmark } from '../lib/Benchmark.js';

export const scaleBenchmark: Benchmark = { name: 'scale', title: 'Scale', run: async () => [] };
