/**
 * Device-bound sessions (issue 11): what a DBSC refresh costs. The daemon's part is two ES256
 * signatures through the key store (the session key signs the proof, the device identity key the
 * posture statement); the portal's part is one POST /dbsc/refresh (two JWS verifications with
 * jose, challenge consumption, device standing, posture policy, cookie rotation). Portal CPU per
 * refresh is process CPU over N refreshes with the proofs signed beforehand, so it also holds the
 * in-process HTTP client (an upper bound). Extra requests per user-hour follow from the interval.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyStore } from '../../daemon/src/keys/FileKeyStore.js';
import { createMachineSealer } from '../../daemon/src/keys/MachineSealer.js';
import { addUser } from '../../portal/src/admin/adminActions.js';
import { startPortal } from '../../portal/src/startPortal.js';
import { insertBoundSession } from '../../portal/src/store/boundSessions.js';
import { issueDbscChallenge } from '../../portal/src/store/dbscChallenges.js';
import { insertDevice } from '../../portal/src/store/devices.js';
import { defaultOrganisation } from '../../portal/src/store/organisations.js';
import { createSession } from '../../portal/src/store/sessions.js';
import { defaultCrypto } from '../../shared/crypto/index.js';
import { createDbscProof } from '../../shared/dbsc/createDbscProof.js';
import { formatSfString, KEYBOUND_SESSION_ID, SECURE_SESSION_RESPONSE } from '../../shared/dbsc/dbscHeaders.js';
import { jwkThumbprint } from '../../shared/dbsc/jwkThumbprint.js';
import { createPostureStatement } from '../../shared/device/createPostureStatement.js';
import type { PostureSignals } from '../../shared/device/postureSchema.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { type BenchContext, type Benchmark, ms, type Verdict } from '../lib/Benchmark.js';
import { printTable, timeSequential } from '../lib/stats.js';

const POSTURE: PostureSignals = {
  osName: 'Debian GNU/Linux',
  osVersion: '12',
  diskEncryption: 'on',
  firewall: 'on',
  screenLock: 'on',
  protect: 'ready',
  keyProtection: 'software',
};
/** The default interval and the extension's schedule: refresh min(60 s, half the lifetime) early. */
const DEFAULT_REFRESH_SECONDS = 300;

async function run(ctx: BenchContext): Promise<Verdict[]> {
  const n = ctx.quick ? 10 : 500;
  const dir = await mkdtemp(join(tmpdir(), 'kb-bench-dbsc-'));
  const portal = await startPortal({ port: 0, database: join(dir, 'portal.sqlite'), logger: silentLogger() });
  try {
    const sealer = await createMachineSealer({
      dataDir: dir,
      identity: { machineId: 'bench', uid: 0, username: 'bench' },
      crypto: defaultCrypto,
    });
    const keys = new FileKeyStore(dir, sealer, defaultCrypto, () => new Date());
    const identity = await keys.create({ purpose: 'device-identity' });
    const session = await keys.create({ purpose: 'session' });
    const kid = await jwkThumbprint(session.publicJwk);
    const db = portal.db;
    const now = Date.now();
    const org = await defaultOrganisation(db, now);
    await addUser(db, now, { email: 'bench@example.com', password: 'bench password 1' });
    const userId = ((await db.get<{ id: string }>('SELECT id FROM users')) as { id: string }).id;
    await insertDevice(db, {
      id: 'dev_bench',
      orgId: org.id,
      publicJwk: identity.publicJwk,
      enrollmentType: 'desktop-agent',
      platform: 'linux',
      name: 'bench',
      enrolledAt: now,
    });
    const portalSession = await createSession(db, { stage: 'authenticated', userId, method: 'password' }, now);
    const { bound } = await insertBoundSession(
      db,
      {
        sessionHash: portalSession.session.idHash,
        userId,
        deviceId: 'dev_bench',
        publicJwk: session.publicJwk,
        keyThumbprint: kid,
        cookieTtlMs: 3_600_000,
      },
      now,
    );
    const refreshUrl = `${portal.origin}/dbsc/refresh`;
    const sign = async (challenge: string) =>
      createDbscProof({
        sign: (d) => keys.sign(session.ref, d),
        challenge,
        aud: refreshUrl,
        kid,
        claims: {
          keybound_posture: await createPostureStatement({
            sign: (d) => keys.sign(identity.ref, d),
            deviceId: 'dev_bench',
            audience: portal.origin,
            nonce: challenge,
            posture: POSTURE,
          }),
        },
      });
    // Daemon: both signatures of one refresh proof.
    const daemonSign = await timeSequential(() => sign(`bench-challenge-${Math.random()}-padding`), n);

    // Portal: proofs signed first, then only the refresh requests are measured.
    const proofs: string[] = [];
    for (let i = 0; i < n; i++) {
      proofs.push(
        await sign(
          await issueDbscChallenge(db, { purpose: 'refresh', boundId: bound.id, ttlMs: 3_600_000 }, Date.now()),
        ),
      );
    }
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (const proof of proofs) {
      const res = await fetch(refreshUrl, {
        method: 'POST',
        headers: { [KEYBOUND_SESSION_ID]: formatSfString(bound.id), [SECURE_SESSION_RESPONSE]: formatSfString(proof) },
      });
      if (res.status !== 200) throw new Error(`refresh answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const cpuPerRefreshMs = (used.user + used.system) / 1000 / n;
    const early = Math.min(60, DEFAULT_REFRESH_SECONDS / 2);
    const perHour = 3600 / (DEFAULT_REFRESH_SECONDS - early);
    printTable(
      'DBSC refresh cost',
      ['measure', 'value'],
      [
        ['daemon sign time p50 (session proof + posture statement)', `${ms(daemonSign.p50)} ms`],
        ['daemon sign time p99', `${ms(daemonSign.p99)} ms`],
        ['portal CPU per refresh (upper bound)', `${ms(cpuPerRefreshMs)} ms`],
        ['refresh wall time mean (loopback)', `${ms(wall / n)} ms`],
        ['refreshes per portal CPU-second', Math.round(1000 / cpuPerRefreshMs)],
        [`extra HTTP requests per signed-in user-hour (interval ${DEFAULT_REFRESH_SECONDS} s)`, perHour.toFixed(1)],
      ],
    );
    return [
      { label: 'DBSC daemon sign p50', value: `${ms(daemonSign.p50)} ms`, target: 'report', met: undefined },
      { label: 'DBSC portal CPU per refresh', value: `${ms(cpuPerRefreshMs)} ms`, target: 'report', met: undefined },
      { label: 'DBSC extra requests per user-hour', value: perHour.toFixed(1), target: 'report', met: undefined },
    ];
  } finally {
    await portal.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export const sessionsBenchmark: Benchmark = { name: 'sessions', title: 'Device-bound session refresh', run };
