import type { Migration } from './Migration.js';

/**
 * Device-bound sessions (DBSC, issue 11). A bound session ties a portal session to a key the
 * device's daemon holds; its short-lived cookie is stored only as a hash, like every bearer token.
 * DBSC challenges are kept after use (consumed_at) until purged, so a replayed proof is told
 * apart from a forged one. Posture: the organisation's rules, the last signals a device reported,
 * and since when each rule has failed (the grace period of `warn` counts from there).
 * Revocation: an outbox of notices (back-channel logout, CAEP) the running portal delivers.
 */
export const migration002BoundSessions: Migration = {
  version: 2,
  name: 'bound_sessions',
  sql: `
ALTER TABLE organisations ADD COLUMN session_refresh_seconds INTEGER NOT NULL DEFAULT 300;

CREATE TABLE bound_sessions (
  id TEXT PRIMARY KEY,
  session_hash TEXT NOT NULL,
  user_id TEXT NOT NULL,
  device_id TEXT,
  public_jwk TEXT NOT NULL,
  key_thumbprint TEXT NOT NULL,
  cookie_hash TEXT NOT NULL,
  cookie_expires_at INTEGER NOT NULL,
  prev_cookie_hash TEXT,
  prev_cookie_expires_at INTEGER,
  created_at INTEGER NOT NULL,
  refreshed_at INTEGER NOT NULL,
  refresh_count INTEGER NOT NULL DEFAULT 0,
  ended_at INTEGER,
  end_reason TEXT
);
CREATE INDEX bound_sessions_session ON bound_sessions(session_hash);
CREATE INDEX bound_sessions_thumbprint ON bound_sessions(key_thumbprint);
CREATE INDEX bound_sessions_device ON bound_sessions(device_id);

CREATE TABLE dbsc_challenges (
  challenge_hash TEXT PRIMARY KEY,
  purpose TEXT NOT NULL CHECK (purpose IN ('registration', 'refresh')),
  session_hash TEXT,
  bound_id TEXT,
  expires_at INTEGER NOT NULL,
  consumed_at INTEGER
);
CREATE INDEX dbsc_challenges_expires ON dbsc_challenges(expires_at);

CREATE TABLE posture_rules (
  org_id TEXT NOT NULL REFERENCES organisations(id),
  rule TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('report', 'warn', 'block')),
  min_version TEXT,
  grace_days INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (org_id, rule)
);

CREATE TABLE device_posture (
  device_id TEXT PRIMARY KEY,
  signals TEXT NOT NULL,
  reported_at INTEGER NOT NULL
);

CREATE TABLE posture_failures (
  device_id TEXT NOT NULL,
  rule TEXT NOT NULL,
  failing_since INTEGER NOT NULL,
  PRIMARY KEY (device_id, rule)
);

CREATE TABLE ssf_receivers (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organisations(id),
  endpoint_url TEXT NOT NULL,
  audience TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (org_id, endpoint_url)
);

CREATE TABLE revocation_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('backchannel-logout', 'caep')),
  target TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  delivered_at INTEGER,
  last_error TEXT
);
CREATE INDEX revocation_outbox_due ON revocation_outbox(delivered_at, next_attempt_at);
`,
};
