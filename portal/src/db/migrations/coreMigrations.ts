import { migration001Core } from './001_core.js';
import { migration002BoundSessions } from './002_bound_sessions.js';
import { migration003KeyProtection } from './003_key_protection.js';
import { migration004PostureSigned } from './004_posture_signed.js';
import { migration006RateBudgets } from './006_rate_budgets.js';
import type { Migration } from './Migration.js';

/** The portal core's migrations, in order. Extensions (OIDC) bring their own, numbered 100+. */
export const coreMigrations: readonly Migration[] = [
  migration001Core,
  migration002BoundSessions,
  migration003KeyProtection,
  migration004PostureSigned,
  migration006RateBudgets,
];
