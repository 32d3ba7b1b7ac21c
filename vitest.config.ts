import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// The portal's tests run twice: on SQLite (the embedded default) and on PostgreSQL (the shared
// store), so both implementations of the store answer to the same tests. The second project runs
// wherever PostgreSQL is installed, and always in CI (where its absence is a failure).
const POSTGRES_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const withPostgres = process.env.CI === 'true' || existsSync(`${POSTGRES_BIN}/initdb`);
const PORTAL_TESTS = ['portal/**/*.test.ts', 'test/portal/**/*.test.ts', 'test/oidc/**/*.test.ts'];

export default defineConfig({
  test: {
    // Generous: they catch a hang, never time the code. On a busy 2-core machine one spawned CLI
    // (node + tsx) takes 5-20 s and a browser test several times its idle time.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // Integration and browser tests start real servers and Chromium; two cores here.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
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
        },
      },
      ...(withPostgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: PORTAL_TESTS,
                // Process-level CLI tests and SQLite-only file tests say nothing new here.
                exclude: [
                  'test/portal/portalCli.test.ts',
                  'test/portal/secretsAtRest.test.ts',
                  'portal/src/db/runMigrations.test.ts',
                  '**/node_modules/**',
                ],
                // A fixed test key: a PostgreSQL store reads its at-rest key from the environment.
                env: {
                  KEYBOUND_TEST_STORE: 'postgres',
                  KEYBOUND_PORTAL_KEY: 'dGVzdC1vbmx5LWtleS1mb3ItdGhlLXBvc3RncmVzLXA',
                },
                globalSetup: ['test/setup/postgresStore.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
