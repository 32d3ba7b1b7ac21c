/** Runs the `keybound` CLI from the TypeScript sources (tests spawn it with `node --import tsx`). */
import { main } from '../cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`keybound: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
