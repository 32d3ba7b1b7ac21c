/**
 * Vite plugin for the extension build's extra outputs: copies the managed-storage schema next to
 * the manifest (crxjs does not know `storage.managed_schema`) and, once Chrome's build is written,
 * derives the Safari folder from it.
 */
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { toSafariManifest } from './toSafariManifest.js';

export function extensionBuildExtras(options: { root: string; chromeDir: string; safariDir: string }): Plugin {
  return {
    name: 'keybound:extension-extras',
    apply: 'build',
    async generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'managed_schema.json',
        source: await readFile(resolve(options.root, 'managed_schema.json'), 'utf8'),
      });
    },
    async closeBundle() {
      await rm(options.safariDir, { recursive: true, force: true });
      await cp(options.chromeDir, options.safariDir, { recursive: true });
      await rm(join(options.safariDir, 'managed_schema.json'), { force: true });
      const manifestPath = join(options.safariDir, 'manifest.json');
      const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
      await writeFile(manifestPath, `${JSON.stringify(toSafariManifest(manifest), null, 2)}\n`);
    },
  };
}
