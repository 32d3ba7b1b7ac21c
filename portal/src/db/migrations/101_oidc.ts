import type { Migration } from './Migration.js';

/**
 * What the OpenID Provider must keep across restarts: its artefacts (sessions, interactions,
 * codes, grants, tokens — one row per model and id, JSON payload), its keys (ES256 signing JWKs
 * and cookie-signing secrets, created once), and, per grant, the facts about how the user signed
 * in that the ID token reports (`device_trusted`). Times are milliseconds since the epoch.
 */
export const migration101Oidc: Migration = {
  version: 101,
  name: 'oidc',
  sql: `
CREATE TABLE oidc_artefacts (
  model TEXT NOT NULL,
  id TEXT NOT NULL,
  payload TEXT NOT NULL,
  grant_id TEXT,
  user_code TEXT,
  uid TEXT,
  expires_at INTEGER,
  consumed_at INTEGER,
  PRIMARY KEY (model, id)
);
CREATE INDEX oidc_artefacts_grant ON oidc_artefacts(grant_id);
CREATE INDEX oidc_artefacts_uid ON oidc_artefacts(model, uid);
CREATE INDEX oidc_artefacts_user_code ON oidc_artefacts(model, user_code);
CREATE INDEX oidc_artefacts_expires ON oidc_artefacts(expires_at);

CREATE TABLE oidc_keys (
  kind TEXT NOT NULL CHECK (kind IN ('signing', 'cookie')),
  id TEXT NOT NULL,
  material TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (kind, id)
);

CREATE TABLE oidc_grant_facts (
  grant_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  method TEXT NOT NULL,
  device_trusted INTEGER NOT NULL CHECK (device_trusted IN (0, 1)),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX oidc_grant_facts_expires ON oidc_grant_facts(expires_at);
`,
};
