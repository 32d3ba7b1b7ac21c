#!/usr/bin/env node
// The `keybound` command. The TypeScript sources are compiled to dist/ by `npm run build:node`
// (run by `prepare` on `npm ci`), so start-up costs no loader (see docs/decisions/0002-cli-build.md).
// `keybound daemon` runs the bundled dist/keybound-daemon.cjs (built by the same script): the
// long-running process then loads one file instead of ~170 modules, and idles lighter
// (docs/performance.md). Without the bundle it runs from dist/ like every other command.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';

const argv = process.argv.slice(2);
const bundledDaemon = new URL('../dist/keybound-daemon.cjs', import.meta.url);
const run =
  argv[0] === 'daemon' && bundleIsCurrent()
    ? createRequire(import.meta.url)(bundledDaemon.pathname).daemonMain(argv)
    : import('../dist/cli/main.js').then(({ main }) => main(argv));

/** The bundle exists and is not older than the last tsc output (a bare `tsc` leaves it stale). */
function bundleIsCurrent() {
  const bundle = statSync(bundledDaemon, { throwIfNoEntry: false });
  const compiled = statSync(new URL('../dist/daemon/src/startDaemon.js', import.meta.url), { throwIfNoEntry: false });
  return bundle !== undefined && (compiled === undefined || bundle.mtimeMs >= compiled.mtimeMs);
}

run.then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`keybound: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
