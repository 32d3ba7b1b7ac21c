/**
 * Password-guessing throttle per account + client IP, with exponential backoff that expires.
 * After FREE_FAILURES failures, each further failure blocks the pair for 2^(n-FREE) seconds, capped
 * at MAX_BLOCK_MS; a quiet period of RESET_AFTER_MS forgets the failures. Nothing is ever locked
 * for good, so an attacker cannot lock the real user out: once the block has passed, the right
 * password works (see docs/decisions/0012-portal-login-throttle.md). Device sign-in never looks here.
 */
import { createHash } from 'node:crypto';
import type { PortalDb } from '../db/openDatabase.js';

export const FREE_FAILURES = 5;
export const MAX_BLOCK_MS = 15 * 60_000;
export const RESET_AFTER_MS = 60 * 60_000;

/** The row key: a hash, so the table does not hold a readable list of emails and addresses. */
export function throttleKey(email: string, ip: string): string {
  return createHash('sha256').update(`${email}\n${ip}`).digest('hex');
}

/** Milliseconds the caller must still wait, or 0 if an attempt is allowed now. */
export function throttleWait(db: PortalDb, key: string, now: number): number {
  const row = db.prepare('SELECT blocked_until FROM login_throttle WHERE key = ?').get(key) as
    | { blocked_until: number }
    | undefined;
  return row ? Math.max(0, row.blocked_until - now) : 0;
}

/**
 * Reserves one attempt before the password is hashed: counts it as a failure now (a success
 * clears it afterwards) and returns the block it caused, or `wait` when the pair is already
 * blocked — checked and counted in one transaction, so concurrent guesses cannot all pass the
 * check before any is counted (60 at once used to hash 59 wrong passwords and let the 60th in).
 * An asynchronous store must keep this one atomic statement or transaction.
 */
export function reserveAttempt(db: PortalDb, key: string, now: number): { wait: number; block: number } {
  return db.transaction(() => {
    const wait = throttleWait(db, key, now);
    if (wait > 0) return { wait, block: 0 };
    return { wait: 0, block: recordFailure(db, key, now) };
  })();
}

/** Records a failed attempt and returns the new block (ms from now, 0 if none yet). */
export function recordFailure(db: PortalDb, key: string, now: number): number {
  return db.transaction(() => {
    const row = db.prepare('SELECT failures, last_failure_at FROM login_throttle WHERE key = ?').get(key) as
      | { failures: number; last_failure_at: number }
      | undefined;
    const failures = row && now - row.last_failure_at < RESET_AFTER_MS ? row.failures + 1 : 1;
    const over = failures - FREE_FAILURES;
    const block = over > 0 ? Math.min(MAX_BLOCK_MS, 1000 * 2 ** Math.min(over - 1, 20)) : 0;
    db.prepare(
      `INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until) VALUES (?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at,
       blocked_until = excluded.blocked_until`,
    ).run(key, failures, now, now + block);
    return block;
  })();
}

export function clearFailures(db: PortalDb, key: string): void {
  db.prepare('DELETE FROM login_throttle WHERE key = ?').run(key);
}
