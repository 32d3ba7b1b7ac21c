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
    // Generous: they catch a hang, never time the code. On a busy 2-core machine one spawned CLI
    // (node + tsx) takes 5-20 s and a browser test several times its idle time.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // Integration and browser tests start real servers and Chromium; two cores here.
    maxWorkers: 2,
  },
});
