#!/usr/bin/env node
// The `keybound` command. The TypeScript sources are compiled to dist/ by `npm run build:node`
// (run by `prepare` on `npm ci`), so start-up costs no loader (see docs/decisions/0002-cli-build.md).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`keybound: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
