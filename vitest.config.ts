import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'shared/**/*.test.ts',
      'daemon/**/*.test.ts',
      'portal/**/*.test.ts',
      'extension/**/*.test.ts',
      'cli/**/*.test.ts',
      'deploy/**/*.test.ts',
      'test/**/*.test.ts',
      'dev/**/*.test.ts',
    ],
    // Browser tests load the built extension: build it once, before any worker starts.
    globalSetup: ['dev/buildExtension.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration and browser tests start real servers and Chromium; two cores here.
    maxWorkers: 2,
  },
});
