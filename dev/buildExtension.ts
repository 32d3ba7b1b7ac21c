/**
 * Builds the extension once for browser tests, only when extension/dist is older than its
 * sources. Usable as a vitest `globalSetup` (default export) or called from a test's `beforeAll`
 * (`ensureExtensionBuilt()`); concurrent callers (several vitest workers) share one build
 * through a lock directory.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO_ROOT = resolve(import.meta.dirname, '..');
export const CHROME_EXTENSION_DIR = join(REPO_ROOT, 'extension/dist/chrome');
export const SAFARI_EXTENSION_DIR = join(REPO_ROOT, 'extension/dist/safari');
const SOURCES = ['extension', 'shared', 'vite.config.ts'];
const LOCK = join(tmpdir(), 'keybound-extension-build.lock');

/** Newest modification time under `path`, skipping build output, dependencies and tests. */
async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return path.endsWith('.test.ts') ? 0 : info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) {
    if (entry === 'dist' || entry === 'node_modules') continue;
    newest = Math.max(newest, await newestMtime(join(path, entry)));
  }
  return newest;
}

/** Whether extension/dist/chrome is missing or older than any source file. */
export async function isExtensionBuildStale(): Promise<boolean> {
  const built = await stat(join(CHROME_EXTENSION_DIR, 'manifest.json')).catch(() => undefined);
  const safari = await stat(join(SAFARI_EXTENSION_DIR, 'manifest.json')).catch(() => undefined);
  if (!built || !safari) return true;
  const sources = await Promise.all(SOURCES.map((s) => newestMtime(join(REPO_ROOT, s))));
  return Math.max(...sources) > Math.min(built.mtimeMs, safari.mtimeMs);
}

async function acquireLock(): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    try {
      await mkdir(LOCK);
      return;
    } catch {
      const info = await stat(LOCK).catch(() => undefined);
      // A lock left by a killed run: builds take seconds, so two minutes means abandoned.
      if (info && Date.now() - info.mtimeMs > 120_000) await rm(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`Timed out waiting for the extension build lock ${LOCK}`);
}

/** Builds the extension if stale; returns the Chrome extension directory. */
export async function ensureExtensionBuilt(): Promise<string> {
  if (!(await isExtensionBuildStale())) return CHROME_EXTENSION_DIR;
  await acquireLock();
  try {
    if (await isExtensionBuildStale()) {
      await run(process.execPath, [join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build'], {
        cwd: REPO_ROOT,
        maxBuffer: 16 * 1024 * 1024,
      });
    }
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
  return CHROME_EXTENSION_DIR;
}

/** vitest globalSetup entry. */
export default async function setup(): Promise<void> {
  await ensureExtensionBuilt();
}
