/**
 * Builds the browser extension (`npm run build:extension`): Chrome MV3 into extension/dist/chrome
 * with @crxjs/vite-plugin, then the Safari web-extension folder extension/dist/safari derived from it.
 */
import { resolve } from 'node:path';
import { crx } from '@crxjs/vite-plugin';
import { defineConfig } from 'vite';
import { extensionBuildExtras } from './extension/build/extensionBuildExtras.js';
import manifest from './extension/manifest.config.js';

const root = resolve(import.meta.dirname, 'extension');

export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: resolve(root, 'dist/chrome'),
    emptyOutDir: true,
    target: 'es2022',
    // Readable output: extension reviewers and IT read what they deploy.
    minify: false,
    sourcemap: false,
  },
  plugins: [
    crx({ manifest, liveReload: false }),
    extensionBuildExtras({ root, chromeDir: resolve(root, 'dist/chrome'), safariDir: resolve(root, 'dist/safari') }),
  ],
});
