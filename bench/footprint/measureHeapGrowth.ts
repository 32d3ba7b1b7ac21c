/**
 * A leak check that RSS cannot give: the daemon's live JavaScript heap after a full GC, at a
 * checkpoint and after many more sign-ins. RSS also moves when V8 merely sizes its heap up; a
 * live heap that does not grow after GC means nothing is retained per sign-in. Runs the daemon
 * in this process (startDaemon, real device side) so `gc()` and `heapUsed` are reachable.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startBenchDaemon } from '../lib/benchDaemon.js';

export interface HeapGrowth {
  first: number;
  total: number;
  /** Live heap (MB) after GC at `first` and at `total` sign-ins. */
  heapAtFirst: number;
  heapAtTotal: number;
}

function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Live heap after `first` and after `total` sign-ins, each after two full collections. */
export async function measureHeapGrowth(first: number, total: number): Promise<HeapGrowth> {
  const gc = collector();
  const bench = await startBenchDaemon();
  const liveMb = () => {
    // The test client keeps every message it received (dev/daemonClient.ts): drop them,
    // so only what the daemon retains is measured.
    bench.client.received.length = 0;
    bench.client.events.length = 0;
    gc();
    gc();
    return process.memoryUsage().heapUsed / 2 ** 20;
  };
  try {
    let heapAtFirst = Number.NaN;
    for (let i = 1; i <= total; i++) {
      await bench.signIn();
      if (i % 1000 === 0) bench.client.received.length = 0;
      if (i === first) heapAtFirst = liveMb();
    }
    return { first, total, heapAtFirst, heapAtTotal: liveMb() };
  } finally {
    await bench.stop();
  }
}
