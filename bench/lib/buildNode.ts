/** `npm run build:node` (tsc, then the daemon bundle) for benchmarks that spawn `bin/keybound.js`. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Compiles the sources to dist/ and bundles the daemon, so the spawned process runs the code being measured. */
export function buildNode(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  // tsc still emits when another part has type errors; only a compiler that cannot run is fatal.
  if (r.error) throw r.error;
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    throw new Error(`build:node produced no dist/cli/main.js: ${r.stdout}`);
  // The bundle bin/keybound.js runs for `keybound daemon` (the rest of build:node).
  const b = spawnSync(process.execPath, [join(ROOT, 'daemon/build/bundleDaemon.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (b.error) throw b.error;
  if (b.status !== 0) throw new Error(`bundling the daemon failed: ${b.stderr}`);
}
