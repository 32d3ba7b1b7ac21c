/**
 * Bundles `keybound daemon` into one minified CommonJS file, dist/keybound-daemon.cjs, which
 * bin/keybound.js runs for the `daemon` subcommand (part of `npm run build:node`).
 *
 * Why: the daemon runs all day, and its idle resident memory and start time are targets
 * (DESIGN.md "Performance targets"). From dist/ it loads ~170 ES modules (zod alone 95) and
 * imports ws, pino and commander, CommonJS packages, through Node's ESM interop; as one tree-
 * shaken file loaded by require() it idles ~14 MB lighter and is ready sooner (figures in
 * docs/performance.md). better-sqlite3 stays external: its native addon is found relative to
 * its own package; so does dbus-next (see below).
 *
 *   node daemon/build/bundleDaemon.mjs
 */
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = fileURLToPath(new URL('../..', import.meta.url));

const bundle = await rolldown({
  input: `${root}daemon/src/cli/daemonMain.ts`,
  platform: 'node',
  // dbus-next (polkit, host mode on Linux only) stays external: bundled, its ~200 KB would be
  // parsed by every daemon and cost ~4 MB idle even when never used.
  external: ['better-sqlite3', 'dbus-next'],
  logLevel: 'warn',
});
try {
  await bundle.write({
    file: `${root}dist/keybound-daemon.cjs`,
    format: 'cjs',
    minify: true,
    sourcemap: true,
    codeSplitting: false,
  });
} finally {
  await bundle.close();
}
