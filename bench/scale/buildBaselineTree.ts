/**
 * The portal as it was at an earlier commit, built beside this tree so that a bench can run both in
 * one sitting (ratios in one run, whatever the machine's load): `git archive <commit>` into a temp
 * folder, this tree's node_modules linked in, and `tsc -p tsconfig.build.json` there. Returns the
 * folder, whose bin/keybound.js then runs that commit's portal.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

export async function buildBaselineTree(
  commit: string,
  parent: string,
  progress: (m: string) => void,
): Promise<string> {
  const dir = join(parent, `baseline-${commit}`);
  mkdirSync(dir, { recursive: true });
  progress(`scale: building the baseline portal (${commit})`);
  const archive = execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', commit], {
    maxBuffer: 512 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  if (!existsSync(join(dir, 'dist/cli/main.js')))
    throw new Error(`baseline build produced no dist/cli/main.js: ${r.stdout}`);
  return dir;
}
