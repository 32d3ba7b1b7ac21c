/**
 * Runs the bundled portal (argv[2]) in a fault-suite child process, cheaply and with a clock the
 * parent can jump:
 * - the bundle is compiled with V8's code cache next to it (`<bundle>.v8cache`, written after the
 *   first start), so each of the suite's many restarts skips most of the compile — the suite's
 *   runtime is mostly process starts;
 * - `Date` (Date.now() and new Date()) is the wall clock plus an offset the parent sets over IPC
 *   (`{ fault: 'clock', offsetMs }`), as a clock jump of the machine would move it; monotonic
 *   timers are untouched, as in a real jump.
 * argv[3] is the JSON of runPortal's options.
 */
const vm = require('node:vm');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const RealDate = Date;
let offsetMs = Number(process.env.KEYBOUND_FAULT_CLOCK_OFFSET_MS ?? 0);
class JumpedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offsetMs;
  }
}
globalThis.Date = JumpedDate;
process.on('message', (m) => {
  if (m?.fault !== 'clock') return;
  offsetMs = Number(m.offsetMs) || 0;
  process.send?.({ fault: 'clock-set' });
});

const file = process.argv[2];
const cacheFile = `${file}.v8cache`;
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), {
  filename: file,
  ...(cachedData ? { cachedData } : {}),
});
const mod = { exports: {} };
script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
mod.exports.runPortal(JSON.parse(process.argv[3])).then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`portal failed: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
if (!cachedData || script.cachedDataRejected) {
  // After start-up more functions are compiled: cache them too, for the next start.
  setTimeout(() => {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, cacheFile);
  }, 500).unref();
}
