/** `npm run build:node` for benchmarks that spawn `bin/keybound.js` (which runs dist/). */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Compiles the sources to dist/ so the spawned process runs the code being measured. */
export function buildNode(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  // tsc still emits when another part has type errors; only a compiler that cannot run is fatal.
  if (r.error) throw r.error;
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    throw new Error(`build:node produced no dist/cli/main.js: ${r.stdout}`);
}
