/**
 * Builds the Chrome extension from this checkout (`vite build`, as `npm run build:extension`),
 * for `keybound extension pack` without `--from`. Needs the repository's dev dependencies; an
 * installed copy without them packs a folder given with `--from` instead.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DeployError } from '../../../shared/errors.js';

/** The repository root, from this file's place in the source tree or in dist/. */
function repoRoot(): string {
  let dir = import.meta.dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'vite.config.ts'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new DeployError(
    'ERR_EXTENSION_BUILD_MISSING',
    'No extension sources here to build; pass --from with a built extension folder',
  );
}

/** Runs the build and returns the built Chrome extension folder. */
export async function buildChromeExtension(): Promise<string> {
  const root = repoRoot();
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  if (!existsSync(vite)) {
    throw new DeployError(
      'ERR_EXTENSION_BUILD_MISSING',
      `Cannot build the extension: ${vite} is missing (npm ci first), or pass --from with a built folder`,
    );
  }
  try {
    await promisify(execFile)(process.execPath, [vite, 'build'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    throw new DeployError('ERR_EXTENSION_BUILD_MISSING', 'The extension build (vite build) failed', { cause: err });
  }
  return join(root, 'extension/dist/chrome');
}
