import type { Migration } from './Migration.js';

/**
 * The portal's core tables. Times are milliseconds since the epoch (INTEGER). Secrets that work as
 * bearer tokens (session ids, enrollment tokens, challenges) are stored only as SHA-256 hashes, so a
 * copy of the database does not let anyone act as a user.
 */
export const migration001Core: Migration = {
  version: 1,
  name: 'core',
  sql: `
CREATE TABLE organisations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  device_trust INTEGER NOT NULL DEFAULT 0 CHECK (device_trust IN (0, 1)),
  mfa_required INTEGER NOT NULL DEFAULT 0 CHECK (mfa_required IN (0, 1)),
  created_at INTEGER NOT NULL
);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organisations(id),
  email TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (org_id, email)
);
CREATE INDEX users_email ON users(email);

CREATE TABLE totp_secrets (
  user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  secret TEXT NOT NULL,
  last_used_step INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  stage TEXT NOT NULL CHECK (stage IN ('anonymous', 'mfa', 'authenticated')),
  user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
  pending_email TEXT,
  return_to TEXT,
  method TEXT CHECK (method IN ('password', 'password+mfa', 'device')),
  device_id TEXT,
  credential_id TEXT,
  trusted INTEGER NOT NULL DEFAULT 0,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_at INTEGER NOT NULL,
  blocked_until INTEGER NOT NULL
);

CREATE TABLE enrollment_tokens (
  token_hash TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organisations(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  device_id TEXT
);

CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organisations(id),
  public_jwk TEXT NOT NULL,
  enrollment_type TEXT NOT NULL,
  platform TEXT NOT NULL,
  name TEXT NOT NULL,
  enrolled_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE TABLE credentials (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  device_id TEXT NOT NULL REFERENCES devices(id),
  public_key BLOB NOT NULL,
  counter INTEGER NOT NULL,
  transports TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
);
CREATE INDEX credentials_user ON credentials(user_id);

CREATE TABLE challenges (
  challenge_hash TEXT PRIMARY KEY,
  purpose TEXT NOT NULL CHECK (purpose IN ('registration', 'authentication')),
  user_id TEXT,
  session_hash TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  consumed INTEGER NOT NULL DEFAULT 0 CHECK (consumed IN (0, 1))
);
CREATE INDEX challenges_expires ON challenges(expires_at);

CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  event TEXT NOT NULL,
  actor TEXT NOT NULL,
  org_id TEXT,
  user_id TEXT,
  device_id TEXT,
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_at ON audit(at);
`,
};
