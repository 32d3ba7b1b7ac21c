/**
 * Relay cost (DESIGN.md "Performance targets"): a sign-in through a real daemon — WebSocket in,
 * parse, prerequisites, Protect (auto), counter, sign, audit, WebSocket out — against the floor
 * measured in the same run with the same request size: one bare WebSocket echo on loopback plus
 * one raw P-256 signature. Target: relay ≤ 1.3× floor, at p50 and at p99.
 *
 * The relay and the floor run in alternating rounds and their latencies are pooled, so load from
 * other processes on a shared machine falls on both sides alike instead of on whichever ran last.
 */
import { type BenchContext, type Benchmark, ms, type Verdict } from '../lib/Benchmark.js';
import { startBenchDaemon } from '../lib/benchDaemon.js';
import { pool, printTable, type Summary, timeSequential } from '../lib/stats.js';
import { measureFloor } from './measureFloor.js';
import { measureRelayBreakdown } from './relayBreakdown.js';

export const RELAY_TARGET = 1.3;
/** measureFloor's envelope around its padding: `{"type":"signIn","id":"x","pad":""}`. */
const FLOOR_ENVELOPE_BYTES = 34;

export interface RelayFigures {
  relay: Summary;
  floor: Summary;
  echo: Summary;
  sign: Summary;
  /** The floor with node:crypto's synchronous sign (the daemon's signer) instead of WebCrypto's. */
  floorSync: Summary;
  signSync: Summary;
  requestBytes: number;
  ratioP50: number;
  ratioP99: number;
  /** Relay against the like-for-like floor: the daemon's own overhead. */
  syncRatioP50: number;
  syncRatioP99: number;
  logBytesPerSignIn: number;
}

/** Measures `n` relayed sign-ins and `n` floor round trips in `rounds` alternating rounds. */
export async function measureRelay(
  n: number,
  rounds: number,
  progress: (m: string) => void = () => {},
): Promise<RelayFigures> {
  const bench = await startBenchDaemon();
  try {
    const requestBytes = bench.sampleRequestBytes();
    const perRound = Math.max(1, Math.ceil(n / rounds));
    const relay: Summary[] = [];
    const floor: Summary[] = [];
    const echo: Summary[] = [];
    const sign: Summary[] = [];
    const floorSync: Summary[] = [];
    const signSync: Summary[] = [];
    const logBefore = await bench.logBytes();
    let signIns = 0;
    for (let r = 0; r < rounds; r++) {
      progress(`relay round ${r + 1}/${rounds}`);
      const warmup = Math.min(50, perRound);
      relay.push(await timeSequential(() => bench.signIn(), perRound, warmup));
      signIns += perRound + warmup;
      const f = await measureFloor(perRound, requestBytes - FLOOR_ENVELOPE_BYTES);
      floor.push(f.floor);
      echo.push(f.echo);
      sign.push(f.sign);
      floorSync.push(f.floorSync);
      signSync.push(f.signSync);
    }
    const logBytesPerSignIn = ((await bench.logBytes()) - logBefore) / signIns;
    const relayAll = pool(relay);
    const floorAll = pool(floor);
    const floorSyncAll = pool(floorSync);
    return {
      relay: relayAll,
      floor: floorAll,
      echo: pool(echo),
      sign: pool(sign),
      floorSync: floorSyncAll,
      signSync: pool(signSync),
      requestBytes,
      ratioP50: relayAll.p50 / floorAll.p50,
      ratioP99: relayAll.p99 / floorAll.p99,
      syncRatioP50: relayAll.p50 / floorSyncAll.p50,
      syncRatioP99: relayAll.p99 / floorSyncAll.p99,
      logBytesPerSignIn,
    };
  } finally {
    await bench.stop();
  }
}

/** Prints the relay table and returns the figures (the quick test calls this with a tiny n). */
export async function runRelay(ctx: BenchContext): Promise<{ figures: RelayFigures; verdicts: Verdict[] }> {
  const figures = ctx.quick ? await measureRelay(100, 2, ctx.progress) : await measureRelay(6000, 12, ctx.progress);
  const row = (name: string, s: Summary) => [name, s.n, ms(s.p50), ms(s.p99), ms(s.mean), Math.round(s.throughput)];
  printTable(
    `Relay: sign-in through the daemon vs the floor (request ${figures.requestBytes} bytes)`,
    ['path', 'n', 'p50 ms', 'p99 ms', 'mean ms', 'ops/s (sequential)'],
    [
      row('sign-in through the daemon', figures.relay),
      row('floor: WebSocket echo + P-256 sign', figures.floor),
      row('  of which: WebSocket echo', figures.echo),
      row('  of which: P-256 sign (WebCrypto)', figures.sign),
      row('like-for-like floor: echo + P-256 sign (node:crypto, as the daemon)', figures.floorSync),
      row('  of which: P-256 sign (node:crypto sync)', figures.signSync),
    ],
  );
  printTable(
    'Relay ratio (daemon / floor)',
    ['quantile', 'ratio', 'target'],
    [
      ['p50', `${figures.ratioP50.toFixed(2)}×`, `≤ ${RELAY_TARGET}×`],
      ['p99', `${figures.ratioP99.toFixed(2)}×`, `≤ ${RELAY_TARGET}×`],
      ['p50 against the like-for-like floor', `${figures.syncRatioP50.toFixed(2)}×`, "(the daemon's own overhead)"],
      ['p99 against the like-for-like floor', `${figures.syncRatioP99.toFixed(2)}×`, ''],
    ],
  );
  process.stdout.write(`\nDaemon log written per sign-in: ${figures.logBytesPerSignIn.toFixed(0)} bytes.\n`);
  ctx.progress('relay breakdown');
  const steps = await measureRelayBreakdown(ctx.quick ? 20 : 2000);
  printTable(
    'Where a sign-in goes: each step of the daemon path alone, and alternatives for comparison',
    ['step', 'kind', 'p50 ms', 'p99 ms', 'mean ms'],
    steps.map((s) => [s.step, s.kind, ms(s.summary.p50), ms(s.summary.p99), ms(s.summary.mean)]),
  );
  const verdict = (q: string, ratio: number): Verdict => ({
    label: `relay ratio ${q}`,
    value: `${ratio.toFixed(2)}×`,
    target: `≤ ${RELAY_TARGET}×`,
    met: ratio <= RELAY_TARGET,
  });
  return { figures, verdicts: [verdict('p50', figures.ratioP50), verdict('p99', figures.ratioP99)] };
}

export const relayBenchmark: Benchmark = {
  name: 'relay',
  title: 'Relay cost against the floor',
  run: async (ctx) => (await runRelay(ctx)).verdicts,
};
