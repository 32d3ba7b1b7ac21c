import type { Migration } from './Migration.js';

/**
 * SSO apps (OpenID Connect clients) and who may use them. A client secret is stored only as a
 * SHA-256 hash (it is a high-entropy random value, like the core's bearer tokens); a NULL hash
 * means a public client, which must use PKCE and has no secret at all.
 */
export const migration100Apps: Migration = {
  version: 100,
  name: 'apps',
  sql: `
CREATE TABLE apps (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organisations(id),
  name TEXT NOT NULL,
  client_id TEXT NOT NULL UNIQUE,
  client_secret_hash TEXT,
  redirect_uris TEXT NOT NULL,
  launch_url TEXT NOT NULL,
  protected INTEGER NOT NULL DEFAULT 0 CHECK (protected IN (0, 1)),
  created_at INTEGER NOT NULL,
  UNIQUE (org_id, name)
);

CREATE TABLE app_assignments (
  app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  assigned_at INTEGER NOT NULL,
  PRIMARY KEY (app_id, user_id)
);
CREATE INDEX app_assignments_user ON app_assignments(user_id);
`,
};
