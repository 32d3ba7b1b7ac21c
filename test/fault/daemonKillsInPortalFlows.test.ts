/**
 * Fault suite, the daemon killed in the portal's flows (issue 9): a real portal process on a real
 * SQLite file and a real daemon process (the bundled `keybound daemon`, reached over its paired
 * WebSocket as the extension reaches it), through registration (healing an orphan the admin made,
 * the registration path with the most steps), device sign-in and an SSO app's OIDC code flow.
 *
 * Each kill is a kill -9 of the daemon by PID at a random instant of a flow: uniform over the
 * flow's last measured length, from a seeded generator (the seed is printed; KEYBOUND_FAULT_SEED
 * replays the same draws). So the kills land anywhere: inside a SQLite write, between a key's
 * write and its rename, while Protect answers, with an answer half sent, or while the daemon waits
 * for the portal. The exact durable steps are covered one by one in daemonKillPoints.test.ts.
 * A draw that falls after the flow ended injects nothing and is drawn again.
 *
 * After each kill the daemon restarts on the same data dir and the suite checks: it starts
 * (nothing half-written), its start-up sweep left no temp file, orphan key or keyless credential,
 * the device holds every credential the portal has (an orphan only if the next sign-in heals it:
 * decision 0052), the portal's file is whole, and the next sign-in works with the device (and the
 * next code flow, in that series). It prints the table recorded in docs/reliability.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleDaemon, dataDirProblem, inspectDataDir } from './helpers/daemonProcess.js';
import { type CheckResult, FaultStack } from './helpers/faultStack.js';
import { type FaultRow, FaultTable } from './helpers/faultTable.js';
import { bundlePortal } from './helpers/faultyPortal.js';

/** Kills injected per flow (issue 9 asks for at least 50). */
const KILLS = Number(process.env.KEYBOUND_FAULT_KILLS ?? 50);
const SEED = Number(process.env.KEYBOUND_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** mulberry32: a small seeded generator, so a failing series can be drawn again. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = seeded(SEED);

const table = new FaultTable();
let stack: FaultStack;

beforeAll(async () => {
  await Promise.all([bundlePortal(), bundleDaemon()]);
  stack = await FaultStack.startRegistered({ device: 'daemon-process' });
}, 180_000);

afterAll(async () => {
  await stack?.close();
  table.print(`Daemon kills in the portal's flows (seed ${SEED})`);
});

/** After a kill: restart the daemon on its data dir, look at what the crash left, then the stack's checks. */
async function afterKill(options: { oidc?: boolean }): Promise<CheckResult> {
  const daemon = stack.daemon;
  if (!daemon) throw new Error('the fault stack has no daemon process');
  try {
    await daemon.restart();
  } catch (err) {
    return { survived: false, note: `the daemon did not start again: ${(err as Error).message}`, healed: false };
  }
  const problem = dataDirProblem(await inspectDataDir(daemon.dataDir));
  if (problem) return { survived: false, note: problem, healed: false };
  return stack.check(options);
}

/** Where a kill's instant is drawn: anywhere in the flow, or inside the daemon's own request. */
type Draw = 'flow' | 'request';

/**
 * Runs `flow` (after `setup`) once to measure it, then again and again with a kill -9 of the daemon
 * at a random instant, until KILLS kills landed: half drawn over the whole flow (the daemon may be
 * idle, waiting for the portal), half inside the daemon's `op` request (from its sending to its
 * answer: the daemon at work). A draw that falls after its window ended is drawn again. Checks what
 * must hold after each kill.
 */
async function killAtRandomInstants(
  fault: string,
  op: 'register' | 'signIn',
  setup: () => Promise<void>,
  flow: () => Promise<unknown>,
  options: { oidc?: boolean } = {},
): Promise<FaultRow> {
  const daemon = stack.daemon;
  if (!daemon) throw new Error('the fault stack has no daemon process');
  const span: Record<Draw, number> = { flow: 0, request: 0 };
  /** Measures the daemon's `op` requests while `run` runs; `onSent` is told when one is sent. */
  const watchingOp = async <T>(
    run: () => Promise<T>,
    onSent: (answered: Promise<unknown>) => void = () => undefined,
  ): Promise<T> => {
    daemon.onRequest = (sent, answered) => {
      if (sent !== op) return;
      const t0 = performance.now();
      onSent(answered);
      answered.then(
        () => {
          span.request = performance.now() - t0;
        },
        () => undefined,
      );
    };
    try {
      return await run();
    } finally {
      daemon.onRequest = undefined;
    }
  };
  await setup();
  let started = performance.now();
  await watchingOp(flow);
  span.flow = performance.now() - started;
  if (span.request === 0) throw new Error(`the flow sent the daemon no ${op}`);

  const results: CheckResult[] = [];
  const landed: Record<Draw, number> = { flow: 0, request: 0 };
  const half = Math.ceil(KILLS / 2);
  // Bounded: a draw past its window is a miss, and misses are few (each span follows the flow).
  for (let draw = 0; (landed.flow < half || landed.request < half) && draw < KILLS * 6; draw++) {
    const kind: Draw = landed.flow >= half || (draw % 2 === 1 && landed.request < half) ? 'request' : 'flow';
    await setup();
    let windowOpen = true;
    let timer: NodeJS.Timeout | undefined;
    let killing: Promise<void> | undefined;
    const arm = (ms: number) => {
      timer = setTimeout(() => {
        if (windowOpen) killing = daemon.kill();
      }, random() * ms);
    };
    started = performance.now();
    const onSent = (answered: Promise<unknown>) => {
      if (kind !== 'request' || timer) return;
      arm(span.request);
      // The window is the request: once the daemon answered, a kill would not be inside it.
      const close = () => {
        windowOpen = false;
      };
      answered.then(close, close);
    };
    if (kind === 'flow') arm(span.flow);
    const failed = await watchingOp(
      () =>
        flow().then(
          () => undefined,
          (err: unknown) => err as Error,
        ),
      onSent,
    );
    windowOpen = false;
    clearTimeout(timer);
    if (!killing) {
      // No kill landed: the flow must have run to its end like any other.
      if (failed) throw new Error(`the flow failed without a kill (draw ${draw}, seed ${SEED}): ${failed.message}`);
      if (kind === 'flow') span.flow = performance.now() - started; // it ran faster than the draw
      continue;
    }
    await killing;
    landed[kind]++;
    results.push(await afterKill(options));
  }
  return table.record(
    `${fault} (${landed.flow} anywhere in the flow, ${landed.request} inside its ${op} request)`,
    results,
  );
}

describe('daemon kill -9 at random instants of the portal flows', () => {
  it('should survive every kill during registration (healing an orphan the admin made)', async () => {
    const row = await killAtRandomInstants(
      'kill -9 of the daemon during registration',
      'register',
      () => stack.adminDeletesCredentials(),
      () => stack.tab().signIn(),
    );
    expect(row.notes, `seed ${SEED}`).toEqual([]);
    expect(row.injected).toBeGreaterThanOrEqual(KILLS);
    expect(await stack.agreement()).toBe('agree');
  }, 1_800_000);

  it('should survive every kill during device sign-in', async () => {
    const row = await killAtRandomInstants(
      'kill -9 of the daemon during device sign-in',
      'signIn',
      async () => undefined,
      async () => {
        const { outcome } = await stack.tab().signIn();
        if (outcome !== 'device') throw new Error(`the sign-in ended ${outcome}, not with the device`);
      },
    );
    expect(row.notes, `seed ${SEED}`).toEqual([]);
    expect(row.injected).toBeGreaterThanOrEqual(KILLS);
  }, 1_800_000);

  it('should survive every kill during an SSO app code flow', async () => {
    const row = await killAtRandomInstants(
      'kill -9 of the daemon during the OIDC code flow',
      'signIn',
      async () => undefined,
      () => stack.oidcFlow(),
      { oidc: true },
    );
    expect(row.notes, `seed ${SEED}`).toEqual([]);
    expect(row.injected).toBeGreaterThanOrEqual(KILLS);
  }, 1_800_000);
});
