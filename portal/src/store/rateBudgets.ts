/**
 * Token buckets in the store, shared by every portal instance: `burst` tokens, refilled
 * continuously at `perMs`, one taken per use. Taking is one upsert whose WHERE refuses an empty
 * bucket — no read-then-write, so two instances taking at the same moment cannot both take the
 * last token. A clock that went back refills nothing.
 */
import type { SqlRunner } from '../db/PortalDb.js';

export interface BucketShape {
  burst: number;
  /** Tokens refilled per millisecond. */
  perMs: number;
}

function assertShape(shape: BucketShape): void {
  if (!(Number.isFinite(shape.burst) && shape.burst >= 1 && Number.isFinite(shape.perMs) && shape.perMs >= 0)) {
    throw new TypeError(`Bad bucket shape ${JSON.stringify(shape)}`);
  }
}

// Parameters are cast so that PostgreSQL does not infer a fractional rate as BIGINT from the
// column it meets; SQLite reads the same type names as REAL and INTEGER affinity.
const NOW = 'CAST(? AS BIGINT)';
const NUM = 'CAST(? AS DOUBLE PRECISION)';
const ELAPSED = `(CASE WHEN ${NOW} > rate_budgets.at THEN ${NOW} - rate_budgets.at ELSE 0 END)`;
/** The bucket's tokens after refill, before taking (params: now, now, perMs, burst, burst, now, now, perMs). */
const REFILLED = `(CASE WHEN rate_budgets.tokens + ${ELAPSED} * ${NUM} > ${NUM} THEN ${NUM}
       ELSE rate_budgets.tokens + ${ELAPSED} * ${NUM} END)`;

const TAKE = `INSERT INTO rate_budgets (key, tokens, at) VALUES (?, ${NUM}, ${NOW})
  ON CONFLICT (key) DO UPDATE SET
    tokens = ${REFILLED} - 1,
    at = CASE WHEN excluded.at > rate_budgets.at THEN excluded.at ELSE rate_budgets.at END
  WHERE ${REFILLED} >= 1
  RETURNING tokens`;

/** Takes one token from bucket `key`; false (nothing taken) when it is empty. */
export async function takeToken(db: SqlRunner, key: string, shape: BucketShape, now: number): Promise<boolean> {
  assertShape(shape);
  const refilled = [now, now, shape.perMs, shape.burst, shape.burst, now, now, shape.perMs];
  const row = await db.get<{ tokens: number }>(TAKE, [key, shape.burst - 1, now, ...refilled, ...refilled]);
  return row !== undefined;
}

/** Gives back a token taken by {@link takeToken} (a use that did not happen after all). */
export async function returnToken(db: SqlRunner, key: string, shape: BucketShape): Promise<void> {
  assertShape(shape);
  await db.run(
    `UPDATE rate_budgets SET tokens = CASE WHEN tokens + 1 > ${NUM} THEN ${NUM} ELSE tokens + 1 END WHERE key = ?`,
    [shape.burst, shape.burst, key],
  );
}

/** Forgets buckets idle long enough to be full again (run with the other purges). */
export async function purgeFullBuckets(db: SqlRunner, olderThan: number): Promise<void> {
  await db.run(`DELETE FROM rate_budgets WHERE at < ${NOW}`, [olderThan]);
}
