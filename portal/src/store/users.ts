/** Users of an organisation, with their password hash and optional TOTP secret. */
import type { PortalDb } from '../db/openDatabase.js';
import { openSecret, sealSecret } from '../security/secretsAtRest.js';
import { randomId } from '../security/tokens.js';

export interface User {
  id: string;
  orgId: string;
  email: string;
  passwordHash: string;
  createdAt: number;
  hasTotp: boolean;
}

interface UserRow {
  id: string;
  org_id: string;
  email: string;
  password_hash: string;
  created_at: number;
  has_totp: number;
}

const SELECT = `SELECT u.*, (t.user_id IS NOT NULL) AS has_totp FROM users u LEFT JOIN totp_secrets t ON t.user_id = u.id`;

const toUser = (r: UserRow): User => ({
  id: r.id,
  orgId: r.org_id,
  email: r.email,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  hasTotp: r.has_totp === 1,
});

/** Emails are compared case-insensitively: stored and looked up lower-cased and trimmed. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function getUser(db: PortalDb, id: string): User | undefined {
  const row = db.prepare(`${SELECT} WHERE u.id = ?`).get(id) as UserRow | undefined;
  return row && toUser(row);
}

/** All users with this email, across organisations (usually zero or one). */
export function findUsersByEmail(db: PortalDb, email: string): User[] {
  return (db.prepare(`${SELECT} WHERE u.email = ?`).all(normaliseEmail(email)) as UserRow[]).map(toUser);
}

export function findUserInOrg(db: PortalDb, orgId: string, email: string): User | undefined {
  const row = db.prepare(`${SELECT} WHERE u.org_id = ? AND u.email = ?`).get(orgId, normaliseEmail(email)) as
    | UserRow
    | undefined;
  return row && toUser(row);
}

export function listUsers(db: PortalDb, orgId?: string): User[] {
  const rows = orgId
    ? db.prepare(`${SELECT} WHERE u.org_id = ? ORDER BY u.email`).all(orgId)
    : db.prepare(`${SELECT} ORDER BY u.email`).all();
  return (rows as UserRow[]).map(toUser);
}

/** Creates a user; throws if the email exists in the organisation (UNIQUE constraint). */
export function insertUser(
  db: PortalDb,
  input: { orgId: string; email: string; passwordHash: string; now: number },
): User {
  const id = randomId('usr');
  db.prepare('INSERT INTO users (id, org_id, email, password_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(
    id,
    input.orgId,
    normaliseEmail(input.email),
    input.passwordHash,
    input.now,
  );
  return getUser(db, id) as User;
}

export function setTotpSecret(db: PortalDb, userId: string, secret: string, now: number): void {
  db.prepare(
    'INSERT INTO totp_secrets (user_id, secret, created_at) VALUES (?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET secret = excluded.secret, last_used_step = 0',
  ).run(userId, sealSecret(db, `totp:${userId}`, secret), now);
}

export function getTotp(db: PortalDb, userId: string): { secret: string; lastUsedStep: number } | undefined {
  const row = db.prepare('SELECT secret, last_used_step FROM totp_secrets WHERE user_id = ?').get(userId) as
    | { secret: string; last_used_step: number }
    | undefined;
  return row && { secret: openSecret(db, `totp:${userId}`, row.secret), lastUsedStep: row.last_used_step };
}

/**
 * Records that the code of time step `step` was used. Race-free: succeeds only if no code of this
 * or a later step was used before, so a code cannot be replayed within its window.
 */
export function claimTotpStep(db: PortalDb, userId: string, step: number): boolean {
  return (
    db
      .prepare('UPDATE totp_secrets SET last_used_step = ? WHERE user_id = ? AND last_used_step < ?')
      .run(step, userId, step).changes === 1
  );
}
