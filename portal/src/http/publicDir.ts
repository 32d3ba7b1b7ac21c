/** Finds portal/public both from the sources (tsx) and from the compiled dist/ tree. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function publicDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  // Walk up to the repository root (the folder with package.json), bounded.
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'portal', 'public');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('portal/public not found next to the package');
}
