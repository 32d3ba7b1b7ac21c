/**
 * Fault suite, daemon side (issue 9): kill -9 of a real daemon process at every durable step of
 * pairing, registration and sign-in, one run per kill point (KEYBOUND_FAULT_KILL_AT, see
 * daemon/src/storage/faultPoint.ts — deterministic, no random sleeps). After each kill the
 * daemon restarts on the same data dir and the suite checks: it starts (nothing half-written),
 * no temp file or orphan key is left, every stored credential has its key, the relying party
 * (@simplewebauthn/server standing in for the portal) and the device agree on what the RP has,
 * and the next sign-in (or a fresh registration when the RP never got one) works.
 * It prints the table recorded in docs/reliability.md.
 */
import { cp, rm } from 'node:fs/promises';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDaemonState } from '../../daemon/src/openDaemonState.js';
import { connectPaired, newInstall, type TestInstall } from '../../dev/daemonClient.js';
import { makeDeviceEligible } from '../../dev/makeDeviceEligible.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { makeTempDir } from '../helpers/daemonHarness.js';
import { bundleDaemon, dataDirProblem, inspectDataDir, killDaemon, startDaemon } from './helpers/daemonProcess.js';

const ORIGIN = 'http://localhost:3000';
const RP_ID = 'localhost';
/** Enough for pairing + registration + two sign-ins; the run without a kill proves it covers all. */
const MAX_POINTS = 40;

interface RpCredential {
  id: string;
  publicKey: Uint8Array<ArrayBuffer>;
  counter: number;
}

/** The relying party's memory: what the portal would have stored. */
class RelyingParty {
  credential: RpCredential | undefined;
}

let template: string;
let install: TestInstall;
const work: string[] = [];

/** One journey: register (unless the RP has a credential) then sign in twice. Throws when the daemon dies. */
async function journey(port: number, rp: RelyingParty): Promise<void> {
  const client = await connectPaired(`ws://127.0.0.1:${port}`, install);
  try {
    if (!rp.credential) {
      const options = await generateRegistrationOptions({
        rpName: 'Portal',
        rpID: RP_ID,
        userName: 'ada@acme.test',
        attestationType: 'none',
        supportedAlgorithmIDs: [-7],
        authenticatorSelection: { userVerification: 'required' },
      });
      const result = await client.call('register', { origin: ORIGIN, options });
      const v = await verifyRegistrationResponse({
        response: result.credential as never,
        expectedChallenge: options.challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
      });
      const info = v.registrationInfo!;
      rp.credential = {
        id: info.credential.id,
        publicKey: info.credential.publicKey as Uint8Array<ArrayBuffer>,
        counter: info.credential.counter,
      };
    }
    for (let i = 0; i < 2; i++) {
      const credential = rp.credential;
      const options = await generateAuthenticationOptions({
        rpID: RP_ID,
        allowCredentials: [{ id: credential.id }],
        userVerification: 'required',
      });
      const result = await client.call('signIn', { origin: ORIGIN, options });
      const v = await verifyAuthenticationResponse({
        response: result.credential as never,
        expectedChallenge: options.challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
        credential,
        requireUserVerification: true,
      });
      if (!v.verified) throw new Error('sign-in not verified');
      credential.counter = v.authenticationInfo.newCounter;
    }
  } finally {
    await client.close().catch(() => undefined);
  }
}

beforeAll(async () => {
  // The daemon as users run it: one bundled file (fast to start, so many kill points fit).
  await bundleDaemon();
  // An eligible device, paired once: each kill point starts from a copy of it.
  template = await makeTempDir('kb-fault-');
  work.push(template);
  const state = await openDaemonState({ dataDir: template, device: 'emulator', logger: silentLogger() });
  await makeDeviceEligible(state.device);
  await state.close();
  install = newInstall();
  const { child, url } = await startDaemon(template);
  (await connectPaired(url, install)).close();
  await killDaemon(child);
}, 120_000);

afterAll(async () => {
  for (const dir of work) await rm(dir, { recursive: true, force: true });
});

describe('daemon kill -9 at every durable step', () => {
  it('should leave nothing half-written and sign in next time, whichever step it dies at', async () => {
    const rows: Array<{ point: number; survived: boolean; note: string }> = [];
    let covered = false;
    for (let point = 1; point <= MAX_POINTS && !covered; point++) {
      const dataDir = await makeTempDir('kb-fault-');
      work.push(dataDir);
      await cp(template, dataDir, { recursive: true, filter: (src) => !src.endsWith('.sock') });
      const rp = new RelyingParty();
      const first = await startDaemon(dataDir, { killAt: point }).catch(() => undefined);
      let killed = first === undefined;
      if (first) {
        try {
          await journey(first.port, rp);
          covered = true; // the whole journey ran without reaching this point: all points are covered
        } catch {
          killed = true;
        }
        await killDaemon(first.child);
      }
      if (covered && !killed) break;
      // Restart without the fault: the state must open, be swept, agree with the RP, and work.
      const again = await startDaemon(dataDir);
      let note = 'ok';
      try {
        // A request waits for the device side (and its sweep) to open.
        const probe = await connectPaired(`ws://127.0.0.1:${again.port}`, install);
        await probe.call('status', { rpId: RP_ID });
        await probe.close();
        const disk = await inspectDataDir(dataDir);
        const problem = dataDirProblem(disk);
        if (problem) note = problem;
        else if (rp.credential && !disk.ids.includes(rp.credential.id)) note = 'RP has a credential the device lost';
        else await journey(again.port, rp);
      } catch (err) {
        note = `next sign-in failed: ${(err as Error).message}`;
      } finally {
        await killDaemon(again.child);
      }
      rows.push({ point, survived: note === 'ok', note });
    }
    const lost = rows.filter((r) => !r.survived);
    console.log(
      [
        '| faults injected (kill -9 points) | survived | lost |',
        '|---|---|---|',
        `| ${rows.length} | ${rows.length - lost.length} | ${lost.length} |`,
        ...lost.map((r) => `point ${r.point}: ${r.note}`),
      ].join('\n'),
    );
    expect(covered, 'the journey ran to its end with the last point: every durable step was a kill point').toBe(true);
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(lost).toEqual([]);
  }, 600_000);
});
