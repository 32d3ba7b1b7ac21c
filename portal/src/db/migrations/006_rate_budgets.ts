import type { Migration } from './Migration.js';

/**
 * Token buckets shared by every portal instance (store/rateBudgets.ts): the per-client password
 * hashing budget lives here, so a client spreading its guesses over N instances gets one budget,
 * not N. Tokens are fractional (they refill continuously).
 */
export const migration006RateBudgets: Migration = {
  version: 6,
  name: 'rate_budgets',
  sql: `
CREATE TABLE rate_budgets (
  key TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  at INTEGER NOT NULL
);
`,
  postgres: `
CREATE TABLE rate_budgets (
  key TEXT PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  at BIGINT NOT NULL
);
`,
};
