/**
 * The revocation outbox (`revocation_outbox`): notices queued in the same transaction as the
 * change that caused them, delivered by the running portal (deliverOutbox.ts). A notice is
 * claimed by moving its `next_attempt_at` forward by a lease with a compare-and-set, so two portal
 * instances on one PostgreSQL database (or a portal restarted mid-delivery) never both send it
 * within the lease, and one that crashed mid-send is tried again once the lease runs out
 * (at-least-once; receivers drop repeats by `jti`).
 */
import type { SqlRunner } from '../db/PortalDb.js';
import type { Notice } from './notices.js';

export type OutboxRow = Notice & {
  id: number;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
  deliveredAt: number | null;
  failedAt: number | null;
  lastError: string | null;
};

interface Row {
  id: number;
  kind: Notice['kind'];
  target: string;
  payload: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  delivered_at: number | null;
  failed_at: number | null;
  last_error: string | null;
}

const toOutboxRow = (r: Row): OutboxRow =>
  ({
    id: Number(r.id),
    kind: r.kind,
    target: r.target,
    payload: JSON.parse(r.payload),
    attempts: Number(r.attempts),
    createdAt: Number(r.created_at),
    nextAttemptAt: Number(r.next_attempt_at),
    deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
    failedAt: r.failed_at === null ? null : Number(r.failed_at),
    lastError: r.last_error,
  }) as OutboxRow;

/** Queues notices, due now. Call inside the transaction that made the change. */
export async function enqueueNotices(db: SqlRunner, notices: readonly Notice[], now: number): Promise<void> {
  for (const n of notices) {
    await db.run(
      'INSERT INTO revocation_outbox (kind, target, payload, created_at, attempts, next_attempt_at) VALUES (?, ?, ?, ?, 0, ?)',
      [n.kind, n.target, JSON.stringify(n.payload), now, now],
    );
  }
}

/**
 * Claims up to `limit` due notices for `leaseMs`: each claim counts as an attempt. Returns only
 * the rows this caller won.
 */
export async function claimDueNotices(
  db: SqlRunner,
  now: number,
  options: { leaseMs: number; limit: number },
): Promise<OutboxRow[]> {
  const due = await db.all<Row>(
    `SELECT * FROM revocation_outbox WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
     ORDER BY next_attempt_at, id LIMIT ?`,
    [now, options.limit],
  );
  const won: OutboxRow[] = [];
  for (const row of due) {
    const { changes } = await db.run(
      `UPDATE revocation_outbox SET next_attempt_at = ?, attempts = attempts + 1
       WHERE id = ? AND next_attempt_at = ? AND delivered_at IS NULL AND failed_at IS NULL`,
      [now + options.leaseMs, row.id, row.next_attempt_at],
    );
    if (changes === 1) won.push(toOutboxRow({ ...row, attempts: Number(row.attempts) + 1 }));
  }
  return won;
}

export async function markDelivered(db: SqlRunner, id: number, now: number): Promise<void> {
  await db.run('UPDATE revocation_outbox SET delivered_at = ?, last_error = NULL WHERE id = ?', [now, id]);
}

export async function markRetry(db: SqlRunner, id: number, nextAttemptAt: number, error: string): Promise<void> {
  await db.run('UPDATE revocation_outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?', [
    nextAttemptAt,
    error.slice(0, 500),
    id,
  ]);
}

export async function markFailed(db: SqlRunner, id: number, now: number, error: string): Promise<void> {
  await db.run('UPDATE revocation_outbox SET failed_at = ?, last_error = ? WHERE id = ?', [
    now,
    error.slice(0, 500),
    id,
  ]);
}

/** Every notice, oldest first (admin listing and tests). */
export async function listOutbox(db: SqlRunner, limit = 1000): Promise<OutboxRow[]> {
  return (await db.all<Row>('SELECT * FROM revocation_outbox ORDER BY id LIMIT ?', [limit])).map(toOutboxRow);
}

/** Deletes delivered and failed notices settled before `before`: the outbox stays bounded. */
export async function purgeSettledNotices(db: SqlRunner, before: number): Promise<number> {
  const { changes } = await db.run(
    `DELETE FROM revocation_outbox WHERE (delivered_at IS NOT NULL AND delivered_at < ?)
       OR (failed_at IS NOT NULL AND failed_at < ?)`,
    [before, before],
  );
  return changes;
}
