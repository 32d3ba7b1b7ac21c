/**
 * Fault suite, portal side (issue 9): a real portal process on a real SQLite file and a real
 * daemon's device side, through registration (here: healing an orphan the admin made, the
 * registration path with the most steps), device sign-in and an SSO app's OIDC code flow.
 *
 * - kill -9 of the portal at every store step of each flow (every statement about to run and every
 *   commit, armed over IPC: portal/src/db/storeFaults.ts — exact and repeatable, no sleeps), then a
 *   restart on the same file;
 * - a full disk at every write of registration and the code flow (SQLite's SQLITE_FULL injected:
 *   a tmpfs would need root and a mount), then room again;
 * - clock jumps of ±10 minutes, of the machine (portal and device) and of the portal alone, with
 *   challenges in flight;
 * - a portal restart (kill -9 and graceful) with challenges, an OIDC interaction and a code in flight.
 *
 * After each: the file is whole (integrity and foreign keys), the device and the portal agree on
 * the credential or the device holds an orphan that the healing path replaces (decision 0052),
 * and the next sign-in works with the device. It prints the table recorded in docs/reliability.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestOptionsJSON } from '../../shared/protocol/webauthnJson.js';
import { csrfOf } from '../oidc/helpers/portalSignIn.js';
import { type CheckResult, EMAIL, FaultStack } from './helpers/faultStack.js';
import { FaultTable } from './helpers/faultTable.js';
import { bundlePortal } from './helpers/faultyPortal.js';

const table = new FaultTable();
const MINUTES_10 = 10 * 60_000;
/** Far more writes than any flow has: the disk-full loop ends when a flow runs to its end unharmed. */
const MAX_POINTS = 400;

let stack: FaultStack;

beforeAll(async () => {
  await bundlePortal();
  stack = await FaultStack.startRegistered();
}, 180_000);

afterAll(async () => {
  await stack?.close();
  table.print('Portal fault suite');
});

/** Kill points per flow: every step when a flow has at most this many, else this many spread evenly. */
const KILL_POINTS = 50;

/** The kill points for a flow of `steps` store steps: 1…steps, or KILL_POINTS of them spread evenly. */
function killPoints(steps: number): number[] {
  if (steps <= KILL_POINTS) return Array.from({ length: steps }, (_v, i) => i + 1);
  return Array.from({ length: KILL_POINTS }, (_v, i) => 1 + Math.round((i * (steps - 1)) / (KILL_POINTS - 1)));
}

/**
 * Counts the store steps of `flow` (after `setup`), then kills the portal at each kill point of a
 * fresh run of it, restarting the portal on the same file and checking what must hold each time.
 */
async function killAtSteps(
  setup: () => Promise<void>,
  flow: () => Promise<unknown>,
  check: () => Promise<CheckResult>,
): Promise<{ results: CheckResult[]; steps: number }> {
  await setup();
  await stack.portal.send({ fault: 'count' });
  await flow();
  await stack.portal.send({ fault: 'count' });
  const steps = stack.portal.lastSteps;
  const results: CheckResult[] = [];
  // A run may take a step or two fewer than the counted one, so a planned point near the end can
  // pass without a kill; the flow's other steps stand in until KILL_POINTS kills were injected.
  const planned = killPoints(steps);
  const spare = Array.from({ length: steps }, (_v, i) => i + 1).filter((p) => !planned.includes(p));
  for (const point of [...planned, ...spare]) {
    if (results.length >= KILL_POINTS && !planned.includes(point)) break;
    await setup();
    await stack.portal.send({ fault: 'kill', at: point });
    const ran = await flow().then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    if (await stack.portal.send({ fault: 'off' })) {
      // The flow ended before the step (a run may take a step or two fewer): no kill, no row.
      if (ran) throw new Error(`the flow failed at point ${point} without a kill: ${ran.message}`);
      continue;
    }
    await stack.restart();
    results.push(await check());
  }
  return { results, steps };
}

describe('portal kill -9 at store steps of each flow', () => {
  it('should survive every kill during registration (healing an orphan the admin made)', async () => {
    const { results, steps } = await killAtSteps(
      () => stack.adminDeletesCredentials(),
      () => stack.tab().signIn(),
      () => stack.check(),
    );
    const row = table.record(`kill -9 of the portal during registration (${steps} steps)`, results);
    expect(row.injected).toBeGreaterThanOrEqual(50);
    expect(row.notes).toEqual([]);
  }, 1_800_000);

  it('should survive every kill during device sign-in', async () => {
    const { results, steps } = await killAtSteps(
      async () => undefined,
      async () => {
        const { outcome } = await stack.tab().signIn();
        if (outcome !== 'device') throw new Error(`sign-in was ${outcome}`);
      },
      () => stack.check(),
    );
    const row = table.record(`kill -9 of the portal during device sign-in (${steps} steps)`, results);
    expect(row.injected).toBeGreaterThanOrEqual(50);
    expect(row.notes).toEqual([]);
  }, 1_800_000);

  it('should survive every kill during an SSO app code flow', async () => {
    const { results, steps } = await killAtSteps(
      async () => undefined,
      () => stack.oidcFlow(),
      () => stack.check({ oidc: true }),
    );
    const row = table.record(`kill -9 of the portal during the OIDC code flow (${steps} steps)`, results);
    expect(row.injected).toBeGreaterThanOrEqual(50);
    expect(row.notes).toEqual([]);
  }, 1_800_000);
});

describe('a full disk', () => {
  /** Fills the disk from write 1, 2, 3, … of `flow` until it ends, frees it, and checks. */
  async function fullAtEveryWrite(setup: () => Promise<void>, flow: () => Promise<unknown>, oidc: boolean) {
    const results: CheckResult[] = [];
    const answers = new Set<string>();
    for (let write = 1; write <= MAX_POINTS; write++) {
      await setup();
      await stack.portal.send({ fault: 'full', at: write, count: 1_000_000 });
      const err = await flow().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      if (!(await stack.portal.send({ fault: 'off' }))) throw new Error(`the portal died at write ${write}`);
      if (!err) break;
      answers.add(/answered (\d+)|\((\d{3})\)/.exec(err.message)?.slice(1).find(Boolean) ?? err.message.slice(0, 80));
      results.push(await stack.check({ oidc }));
    }
    return { results, answers };
  }

  it('should refuse with 503 and lose nothing when the disk fills at any write of registration, then recover', async () => {
    const { results, answers } = await fullAtEveryWrite(
      () => stack.adminDeletesCredentials(),
      () => stack.tab().signIn(),
      false,
    );
    const row = table.record('disk full during registration (each write)', results);
    expect(row.injected).toBeGreaterThanOrEqual(5);
    expect(row.notes).toEqual([]);
    // A full disk is the store's 503 with its sentence, never a 500.
    expect([...answers].filter((a) => a !== '503')).toEqual([]);
  }, 1_800_000);

  it('should refuse with 503 and lose nothing when the disk fills at any write of the OIDC code flow, then recover', async () => {
    const { results, answers } = await fullAtEveryWrite(
      async () => undefined,
      () => stack.oidcFlow(),
      true,
    );
    const row = table.record('disk full during the OIDC code flow (each write)', results);
    expect(row.injected).toBeGreaterThanOrEqual(5);
    expect(row.notes).toEqual([]);
    expect([...answers].filter((a) => a !== '503')).toEqual([]);
  }, 1_800_000);
});

describe('clock jumps of ±10 minutes', () => {
  /** Email → Continue → sign-in options: a challenge in flight. */
  async function challengeInFlight() {
    const tab = stack.tab();
    const page = await tab.client.follow(`${stack.origin}/signin?restart=1`);
    const cont = await tab.client.follow(`${stack.origin}/signin`, {
      form: { _csrf: csrfOf(page.body), email: EMAIL },
    });
    const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(cont.body)?.[1] as string;
    const res = await tab.client.request(`${stack.origin}/api/webauthn/authentication/options`, {
      json: {},
      headers: { 'x-csrf-token': csrf },
    });
    const { options } = (await res.json()) as { options: RequestOptionsJSON };
    const finish = async () => {
      const signed = await stack.device.signIn(
        { origin: stack.origin, options },
        { requestId: 'clock', browser: 'chrome' },
      );
      return tab.client.request(`${stack.origin}/api/webauthn/authentication/verify`, {
        json: signed,
        headers: { 'x-csrf-token': csrf },
      });
    };
    return { finish };
  }

  /**
   * The portal's clock jumps by `offsetMs` while a sign-in challenge is in flight; the device's
   * and the browser's clocks stay right (so the two sides are 10 minutes apart, the harder case).
   */
  async function jump(offsetMs: number): Promise<CheckResult> {
    const inFlight = await challengeInFlight();
    await stack.portal.send({ fault: 'clock', offsetMs });
    try {
      // The challenge in flight: refused as a client error with a code once 10 minutes old (its
      // life is 5), accepted or refused cleanly when the clock went back — never a 500.
      const answer = await inFlight.finish();
      const body = await answer.text();
      if (answer.status >= 500)
        return { survived: false, note: `in-flight sign-in: ${answer.status} ${body}`, healed: false };
      if (offsetMs > 0 && answer.status === 200) {
        return { survived: false, note: 'a challenge 10 minutes old was accepted', healed: false };
      }
      // Device sign-in and an SSO app's code flow under the jumped clock …
      const result = await stack.check({ oidc: true });
      if (!result.survived) return result;
      // … and registration (healing an orphan): the device statement's iat is 10 minutes off.
      await stack.adminDeletesCredentials();
      return await stack.check({ oidc: true });
    } finally {
      await stack.portal.send({ fault: 'clock', offsetMs: 0 });
    }
  }

  it('should refuse an expired in-flight challenge cleanly and keep sign-in, SSO and registration working when the portal clock jumps ±10 min', async () => {
    const results = [await jump(MINUTES_10), await jump(-MINUTES_10)];
    const row = table.record('clock jump ±10 min of the portal (device and browser clocks right)', results);
    expect(row.notes).toEqual([]);
    expect((await stack.check({ oidc: true })).survived).toBe(true);
  }, 300_000);
});

describe('portal restart with challenges in flight', () => {
  it('should finish sign-in, registration, an OIDC interaction and a code redemption begun before a restart', async () => {
    const results: CheckResult[] = [];
    for (const how of ['kill', 'stop'] as const) {
      // A sign-in challenge issued, the portal restarted, the signed answer accepted.
      const tab = stack.tab();
      const page = await tab.client.follow(`${stack.origin}/signin?restart=1`);
      const cont = await tab.client.follow(`${stack.origin}/signin`, {
        form: { _csrf: csrfOf(page.body), email: EMAIL },
      });
      const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(cont.body)?.[1] as string;
      const options = (
        (await (
          await tab.client.request(`${stack.origin}/api/webauthn/authentication/options`, {
            json: {},
            headers: { 'x-csrf-token': csrf },
          })
        ).json()) as { options: RequestOptionsJSON }
      ).options;
      await stack.restart(how);
      const signed = await stack.device.signIn(
        { origin: stack.origin, options },
        { requestId: 'r', browser: 'chrome' },
      );
      const verified = await tab.client.request(`${stack.origin}/api/webauthn/authentication/verify`, {
        json: signed,
        headers: { 'x-csrf-token': csrf },
      });
      results.push(
        verified.status === 200
          ? await stack.check()
          : {
              survived: false,
              note: `sign-in after ${how}: ${verified.status} ${await verified.text()}`,
              healed: false,
            },
      );

      // An SSO app's interaction begun, restart; device sign-in and the code, restart; redeemed.
      const oidcTab = stack.tab();
      const oidc = await (async () => {
        const started = await stack.oidcStart(oidcTab);
        await stack.restart(how);
        const code = await stack.oidcSignIn(oidcTab, started);
        await stack.restart(how);
        await stack.oidcRedeem(started, code);
      })().then(
        () => 'ok',
        (err: unknown) => (err as Error).message,
      );
      results.push(
        oidc === 'ok'
          ? await stack.check({ oidc: true })
          : { survived: false, note: `OIDC across a ${how} restart: ${oidc}`, healed: false },
      );
    }
    const row = table.record('portal restart with challenges in flight (kill -9 and graceful)', results);
    expect(row.notes).toEqual([]);
  }, 300_000);
});
