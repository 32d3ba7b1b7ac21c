/**
 * Vite plugin for the extension build's extra outputs: copies the managed-storage schema next to
 * the manifest (crxjs does not know `storage.managed_schema`) and, once Chrome's build is written,
 * minifies the content scripts and derives the Safari folder from it.
 */
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { minify, type Plugin } from 'vite';
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
      await minifyContentScripts(options.chromeDir);
      await dropContentScriptResources(options.chromeDir);
      await rm(options.safariDir, { recursive: true, force: true });
      await cp(options.chromeDir, options.safariDir, { recursive: true });
      await rm(join(options.safariDir, 'managed_schema.json'), { force: true });
      const manifestPath = join(options.safariDir, 'manifest.json');
      const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
      await writeFile(manifestPath, `${JSON.stringify(toSafariManifest(manifest), null, 2)}\n`);
    },
  };
}

/**
 * Minifies the content scripts (the `*.iife.js` files crxjs builds, registered at run time by the
 * worker), in place. They run at `document_start` on every portal page, so their parse time is on
 * every sign-in (docs/decisions/0034-…); the worker and the extension pages stay readable.
 */
async function minifyContentScripts(chromeDir: string): Promise<void> {
  const files = (await readdir(chromeDir, { recursive: true })).filter((f) => f.endsWith('.iife.js'));
  for (const file of files) {
    const path = join(chromeDir, file);
    const result = await minify(file, await readFile(path, 'utf8'), { compress: true, mangle: true });
    if (result.errors.length > 0) throw new Error(`Could not minify ${file}: ${result.errors[0]?.message}`);
    await writeFile(path, result.code);
  }
}

/**
 * crxjs lists a `?script` import as web-accessible for every page; a content script registered
 * with `scripting.registerContentScripts` needs no such entry, and it would let any page detect
 * the extension by fetching the file. Removes entries that only list content scripts.
 */
async function dropContentScriptResources(chromeDir: string): Promise<void> {
  const path = join(chromeDir, 'manifest.json');
  const manifest = JSON.parse(await readFile(path, 'utf8')) as {
    web_accessible_resources?: { resources?: string[] }[];
  };
  const kept = (manifest.web_accessible_resources ?? []).filter(
    (entry) => !(entry.resources ?? []).every((r) => r.endsWith('.iife.js')),
  );
  if (kept.length > 0) manifest.web_accessible_resources = kept;
  else delete manifest.web_accessible_resources;
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
}
