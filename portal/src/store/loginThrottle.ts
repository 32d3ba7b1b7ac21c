/**
 * Password-guessing throttle per account + client IP, with exponential backoff that expires.
 * After FREE_FAILURES failures, each further failure blocks the pair for 2^(n-FREE) seconds, capped
 * at MAX_BLOCK_MS; a quiet period of RESET_AFTER_MS forgets the failures. Nothing is ever locked
 * for good, so an attacker cannot lock the real user out: once the block has passed, the right
 * password works (see docs/decisions/0012-portal-login-throttle.md). Device sign-in never looks here.
 */
import { createHash } from 'node:crypto';
import type { PortalDb, SqlRunner } from '../db/PortalDb.js';

export const FREE_FAILURES = 5;
export const MAX_BLOCK_MS = 15 * 60_000;
export const RESET_AFTER_MS = 60 * 60_000;

/** The row key: a hash, so the table does not hold a readable list of emails and addresses. */
export function throttleKey(email: string, ip: string): string {
  return createHash('sha256').update(`${email}\n${ip}`).digest('hex');
}

/** Milliseconds the caller must still wait, or 0 if an attempt is allowed now. */
export async function throttleWait(db: SqlRunner, key: string, now: number): Promise<number> {
  const row = await db.get<{ blocked_until: number }>('SELECT blocked_until FROM login_throttle WHERE key = ?', [key]);
  return row ? Math.max(0, row.blocked_until - now) : 0;
}

/**
 * Reserves one attempt before the password is hashed: counts it as a failure now (a success
 * clears it afterwards) and returns the block it caused, or `wait` when the pair is already
 * blocked — checked and counted in one transaction, so concurrent guesses cannot all pass the
 * check before any is counted (60 at once used to hash 59 wrong passwords and let the 60th in).
 * The transaction holds a lock named for the key (a PostgreSQL advisory lock), so guesses spread
 * over several portal instances take turns too.
 */
export async function reserveAttempt(db: PortalDb, key: string, now: number): Promise<{ wait: number; block: number }> {
  return db.transaction(
    async (tx) => {
      const wait = await throttleWait(tx, key, now);
      if (wait > 0) return { wait, block: 0 };
      return { wait: 0, block: await recordFailure(tx, key, now) };
    },
    { lock: `throttle:${key}` },
  );
}

/**
 * Records a failed attempt and returns the new block (ms from now, 0 if none yet). The count goes
 * up in one upsert … RETURNING, so failures arriving at several instances at once all count.
 */
export async function recordFailure(db: SqlRunner, key: string, now: number): Promise<number> {
  const row = await db.get<{ failures: number }>(
    `INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until) VALUES (?, 1, ?, 0)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN ? - login_throttle.last_failure_at < ? THEN login_throttle.failures + 1 ELSE 1 END,
       last_failure_at = excluded.last_failure_at
     RETURNING failures`,
    [key, now, now, RESET_AFTER_MS],
  );
  const over = (row?.failures ?? 1) - FREE_FAILURES;
  const block = over > 0 ? Math.min(MAX_BLOCK_MS, 1000 * 2 ** Math.min(over - 1, 20)) : 0;
  if (block > 0) {
    // Only ever lengthen a block: a slower, concurrent failure must not shorten it.
    await db.run('UPDATE login_throttle SET blocked_until = ? WHERE key = ? AND blocked_until < ?', [
      now + block,
      key,
      now + block,
    ]);
  }
  return block;
}

export async function clearFailures(db: SqlRunner, key: string): Promise<void> {
  await db.run('DELETE FROM login_throttle WHERE key = ?', [key]);
}
