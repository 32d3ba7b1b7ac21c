import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'daemon/**/*.test.ts', 'portal/**/*.test.ts', 'extension/**/*.test.ts', 'cli/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration and browser tests start real servers and Chromium; two cores here.
    maxWorkers: 2,
  },
});
