/**
 * Revocation to SSO apps (issue 11): what a notice costs the portal. N back-channel logout tokens
 * (built and signed by oidc-provider) and N CAEP SETs (signed with jose) are queued at once and
 * delivered by the portal's outbox to a receiver on loopback in this process. Portal CPU per
 * notice is process CPU over the whole delivery divided by N, so it also holds the receiver and
 * the outbox bookkeeping (an upper bound). The poll interval is shortened; the default (2 s)
 * dominates the latency a real app sees.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addApp } from '../../portal/src/apps/addApp.js';
import type { Notice } from '../../portal/src/revocation/notices.js';
import { enqueueNotices } from '../../portal/src/revocation/outbox.js';
import { startPortal } from '../../portal/src/startPortal.js';
import { defaultOrganisation } from '../../portal/src/store/organisations.js';
import { silentLogger } from '../../shared/node/createLogger.js';
import { type BenchContext, type Benchmark, ms, type Verdict } from '../lib/Benchmark.js';
import { printTable } from '../lib/stats.js';

async function run(ctx: BenchContext): Promise<Verdict[]> {
  const n = ctx.quick ? 5 : 300;
  const dir = await mkdtemp(join(tmpdir(), 'kb-bench-revocation-'));
  let received = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.writeHead(req.url === '/ssf' ? 202 : 200);
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const portal = await startPortal({
    port: 0,
    database: join(dir, 'portal.sqlite'),
    logger: silentLogger(),
    revocationDelivery: { pollMs: 5, batch: 50 },
  });
  try {
    const db = portal.db;
    const org = await defaultOrganisation(db, Date.now());
    const { app } = await addApp(db, {
      orgId: org.id,
      name: 'Bench',
      redirectUris: [`${base}/cb`],
      backchannelLogoutUri: `${base}/bcl`,
    });
    const measure = async (kind: Notice['kind']) => {
      const notices: Notice[] = Array.from({ length: n }, (_, i) =>
        kind === 'backchannel-logout'
          ? {
              kind,
              target: `${base}/bcl`,
              payload: { clientId: app.clientId, sub: 'usr_bench', sid: `sid-${i}`, jti: `bcl-${i}`, txn: 't' },
            }
          : {
              kind,
              target: `${base}/ssf`,
              payload: {
                receiverId: 'ssf_bench',
                audience: app.clientId,
                jti: `set-${i}`,
                txn: 't',
                eventType: 'session-revoked',
                subject: { userId: 'usr_bench', deviceId: 'dev_bench', sid: `sid-${i}` },
                eventTimestamp: Math.floor(Date.now() / 1000),
                initiatingEntity: 'admin',
                reasonAdmin: 'bench',
              },
            },
      );
      const before = received;
      const cpu = process.cpuUsage();
      const started = performance.now();
      await enqueueNotices(db, notices, Date.now());
      const deadline = Date.now() + 120_000;
      while (received - before < n) {
        if (Date.now() > deadline) throw new Error(`only ${received - before} of ${n} ${kind} notices arrived`);
        await new Promise((r) => setTimeout(r, 2));
      }
      const wall = performance.now() - started;
      const used = process.cpuUsage(cpu);
      return { cpuMs: (used.user + used.system) / 1000 / n, wallMs: wall / n };
    };
    const bcl = await measure('backchannel-logout');
    const caep = await measure('caep');
    printTable(
      'Revocation notices (outbox delivery to a loopback receiver)',
      ['measure', 'back-channel logout token', 'CAEP SET'],
      [
        [
          'portal CPU per notice (upper bound: sign, POST, record, receiver)',
          `${ms(bcl.cpuMs)} ms`,
          `${ms(caep.cpuMs)} ms`,
        ],
        ['wall time per notice, batches of 50 in parallel', `${ms(bcl.wallMs)} ms`, `${ms(caep.wallMs)} ms`],
        ['notices per portal CPU-second', Math.round(1000 / bcl.cpuMs), Math.round(1000 / caep.cpuMs)],
      ],
    );
    return [
      {
        label: 'revocation: portal CPU per logout token',
        value: `${ms(bcl.cpuMs)} ms`,
        target: 'report',
        met: undefined,
      },
      { label: 'revocation: portal CPU per CAEP SET', value: `${ms(caep.cpuMs)} ms`, target: 'report', met: undefined },
    ];
  } finally {
    await portal.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  }
}

export const revocationBenchmark: Benchmark = {
  name: 'revocation',
  title: 'Revocation notices to SSO apps',
  run,
};
