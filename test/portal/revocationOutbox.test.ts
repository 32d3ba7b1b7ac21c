/**
 * The revocation outbox's delivery, through a real portal and a real receiver on loopback: a
 * failing receiver gets bounded retries with growing delays, a refusing one (4xx) is not asked
 * again, a notice queued before a restart — or claimed by a portal that died mid-send — is still
 * delivered, and each outcome is audited. The portal's clock is real time plus an offset the test
 * moves (retry delays are counted on it).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DevPortal, startDevPortal } from '../../dev/startDevPortal.js';
import type { CaepNotice } from '../../portal/src/revocation/notices.js';
import { enqueueNotices, listOutbox, type OutboxRow } from '../../portal/src/revocation/outbox.js';
import { revocationNoticeList } from '../../portal/src/revocation/ssfAdminActions.js';
import { listAudit } from '../../portal/src/store/audit.js';
import { newTestDatabase } from '../helpers/testStore.js';

interface Receiver {
  url: string;
  /** Status codes to answer, in order; 202 once they run out. */
  script: number[];
  bodies: { contentType: string | undefined; body: string }[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const r = { script: [] as number[], bodies: [] as Receiver['bodies'] };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      r.bodies.push({ contentType: req.headers['content-type'], body });
      const status = r.script.shift() ?? 202;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status >= 400 ? JSON.stringify({ err: 'invalid_request', description: 'scripted' }) : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(r, {
    url: `http://127.0.0.1:${port}/ssf/events`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

describe('revocation outbox delivery', () => {
  let dev: DevPortal;
  let receiver: Receiver;
  let offset = 0;
  const clock = () => Date.now() + offset;

  beforeEach(async () => {
    offset = 0;
    receiver = await startReceiver();
    dev = await startDevPortal({
      clock,
      store: (dir) => newTestDatabase(dir),
      revocationDelivery: { pollMs: 50, baseDelayMs: 10_000, maxDelayMs: 60_000, maxAttempts: 3, timeoutMs: 20_000 },
    });
  });
  afterEach(async () => {
    await dev?.close();
    await receiver?.close();
  });

  const notice = (jti: string, target = receiver.url): CaepNotice => ({
    kind: 'caep',
    target,
    payload: {
      receiverId: 'ssf_test',
      audience: 'https://receiver.example',
      jti,
      txn: 'txn-1',
      eventType: 'session-revoked',
      subject: { userId: 'usr_1', deviceId: 'dev_1', sid: null },
      eventTimestamp: Math.floor(clock() / 1000),
      initiatingEntity: 'admin',
      reasonAdmin: 'test',
    },
  });
  const row = async (jti: string): Promise<OutboxRow> => {
    const found = (await listOutbox(dev.portal.db)).find((r) => r.payload.jti === jti);
    if (!found) throw new Error(`no outbox row ${jti}`);
    return found;
  };
  const settled = (jti: string) => async () => {
    const r = await row(jti);
    return r.deliveredAt !== null ? 'delivered' : r.failedAt !== null ? 'failed' : `pending after ${r.attempts}`;
  };
  /**
   * Attempt `n` failed and its retry is scheduled (a claim holds the notice for a 60 s lease;
   * retries here come after at most 24 s, so the two cannot be confused).
   */
  const retryScheduled = (jti: string, n: number) =>
    expect
      .poll(
        async () => {
          const r = await row(jti);
          return r.attempts === n && r.lastError !== null && r.nextAttemptAt - clock() < 30_000;
        },
        { timeout: 20_000, message: `retry ${n} of ${jti} not scheduled` },
      )
      .toBe(true);

  it('should retry a failing receiver with growing delays, then deliver a signed SET', async () => {
    receiver.script = [503, 503];
    await enqueueNotices(dev.portal.db, [notice('a')], clock());
    await retryScheduled('a', 1);
    const first = await row('a');
    expect(first.lastError).toMatch(/^HTTP 503/);
    // About 10 s (±20 % jitter) after the first attempt, as the portal's clock counts.
    const firstDelay = first.nextAttemptAt - clock();
    expect(firstDelay).toBeGreaterThan(5_000);
    expect(firstDelay).toBeLessThanOrEqual(12_000);
    offset += 12_500;
    await retryScheduled('a', 2);
    const secondDelay = (await row('a')).nextAttemptAt - clock();
    expect(secondDelay).toBeGreaterThan(14_000); // doubled
    offset += 24_500;
    await expect.poll(settled('a'), { timeout: 20_000 }).toBe('delivered');
    expect(receiver.bodies).toHaveLength(3);
    const last = receiver.bodies[2];
    expect(last?.contentType).toBe('application/secevent+jwt');
    expect(decodeProtectedHeader(last?.body as string)).toMatchObject({ alg: 'ES256', typ: 'secevent+jwt' });
    expect(decodeJwt(last?.body as string)).toMatchObject({ jti: 'a', aud: 'https://receiver.example' });
    const audit = (await listAudit(dev.portal.db)).filter((e) => e.event === 'revocation.delivered');
    expect(audit).toEqual([expect.objectContaining({ details: expect.objectContaining({ jti: 'a', attempts: 3 }) })]);
  }, 90_000);

  it('should stop after the bounded number of attempts, and at once when the receiver refuses (4xx)', async () => {
    receiver.script = [400, 503, 503, 503];
    await enqueueNotices(dev.portal.db, [notice('refused')], clock());
    await expect.poll(settled('refused'), { timeout: 20_000 }).toBe('failed');
    expect((await row('refused')).attempts).toBe(1);

    await enqueueNotices(dev.portal.db, [notice('down')], clock());
    for (const n of [1, 2]) {
      await retryScheduled('down', n);
      offset += 30_000;
    }
    await expect.poll(settled('down'), { timeout: 20_000 }).toBe('failed');
    const failed = await row('down');
    expect(failed).toMatchObject({ attempts: 3, lastError: expect.stringMatching(/^HTTP 503/) });
    // Nothing more is sent for a failed notice.
    offset += 3_600_000;
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.bodies).toHaveLength(4);
    const audit = (await listAudit(dev.portal.db)).filter((e) => e.event === 'revocation.failed');
    expect(audit.map((e) => e.details.jti)).toEqual(['refused', 'down']);
    // What `keybound admin revocation list --state failed` shows the admin (no tokens).
    const listed = await revocationNoticeList(dev.portal.db, clock(), 'failed');
    expect(listed).toEqual([
      expect.objectContaining({ kind: 'caep', event: 'session-revoked', state: 'failed', attempts: 3 }),
      expect.objectContaining({ state: 'failed', attempts: 1, lastError: expect.stringMatching(/^HTTP 400/) }),
    ]);
    expect(await revocationNoticeList(dev.portal.db, clock(), 'pending')).toEqual([]);
  }, 90_000);

  it('should deliver after a restart a notice queued before it, and one a dead portal had claimed', async () => {
    const db = dev.portal.db;
    await receiver.close();
    // Receiver down: the first attempt fails to connect and is scheduled again.
    await enqueueNotices(db, [notice('queued')], clock());
    await retryScheduled('queued', 1);
    expect((await row('queued')).lastError).toMatch(/unreachable/);
    // A notice claimed by an instance that died mid-send: its lease runs for 60 s.
    await enqueueNotices(db, [notice('claimed')], clock());
    await db.run('UPDATE revocation_outbox SET attempts = 1, next_attempt_at = ? WHERE payload LIKE \'%"claimed"%\'', [
      clock() + 60_000,
    ]);

    // The receiver comes back (at a new port on loopback: both notices are pointed at it).
    receiver = await startReceiver();
    await db.run('UPDATE revocation_outbox SET target = ?', [receiver.url]);

    await dev.restart();
    offset += 61_000;
    await expect.poll(settled('queued'), { timeout: 20_000 }).toBe('delivered');
    await expect.poll(settled('claimed'), { timeout: 20_000 }).toBe('delivered');
    expect(receiver.bodies.map((b) => decodeJwt(b.body).jti).sort()).toEqual(['claimed', 'queued']);
  }, 90_000);
});
