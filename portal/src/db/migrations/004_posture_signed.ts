import type { Migration } from './Migration.js';

/**
 * A bound session whose refreshes have carried a posture statement signed by the device identity
 * key (a Keybound daemon) must keep carrying one: a refresh without it means the device can no
 * longer vouch for its enrollment — it left device management (`keybound device unenroll` deletes
 * the identity key) — and ends the session and the apps' sessions (issue 11, decision 0071).
 * A native DBSC browser never sends one and is not affected.
 */
export const migration004PostureSigned: Migration = {
  version: 4,
  name: 'posture_signed',
  sql: `ALTER TABLE bound_sessions ADD COLUMN posture_signed INTEGER NOT NULL DEFAULT 0;`,
};
