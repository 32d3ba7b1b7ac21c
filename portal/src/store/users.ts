/** Users of an organisation, with their password hash and optional TOTP secret. */
import type { SqlRunner } from '../db/PortalDb.js';
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

const SELECT = `SELECT u.*, CASE WHEN t.user_id IS NULL THEN 0 ELSE 1 END AS has_totp FROM users u LEFT JOIN totp_secrets t ON t.user_id = u.id`;

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

export async function getUser(db: SqlRunner, id: string): Promise<User | undefined> {
  const row = await db.get<UserRow>(`${SELECT} WHERE u.id = ?`, [id]);
  return row && toUser(row);
}

/** All users with this email, across organisations (usually zero or one). */
export async function findUsersByEmail(db: SqlRunner, email: string): Promise<User[]> {
  return (
    await db.all<UserRow>(`${SELECT} WHERE u.email = ? ORDER BY u.created_at, u.id`, [normaliseEmail(email)])
  ).map(toUser);
}

export async function findUserInOrg(db: SqlRunner, orgId: string, email: string): Promise<User | undefined> {
  const row = await db.get<UserRow>(`${SELECT} WHERE u.org_id = ? AND u.email = ?`, [orgId, normaliseEmail(email)]);
  return row && toUser(row);
}

export async function listUsers(db: SqlRunner, orgId?: string): Promise<User[]> {
  const rows = orgId
    ? await db.all<UserRow>(`${SELECT} WHERE u.org_id = ? ORDER BY u.email, u.id`, [orgId])
    : await db.all<UserRow>(`${SELECT} ORDER BY u.email, u.id`);
  return rows.map(toUser);
}

/** Creates a user; throws if the email exists in the organisation (UNIQUE constraint). */
export async function insertUser(
  db: SqlRunner,
  input: { orgId: string; email: string; passwordHash: string; now: number },
): Promise<User> {
  const id = randomId('usr');
  await db.run('INSERT INTO users (id, org_id, email, password_hash, created_at) VALUES (?, ?, ?, ?, ?)', [
    id,
    input.orgId,
    normaliseEmail(input.email),
    input.passwordHash,
    input.now,
  ]);
  return (await getUser(db, id)) as User;
}

export async function setTotpSecret(db: SqlRunner, userId: string, secret: string, now: number): Promise<void> {
  await db.run(
    'INSERT INTO totp_secrets (user_id, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, last_used_step = 0',
    [userId, sealSecret(db, `totp:${userId}`, secret), now],
  );
}

export async function getTotp(
  db: SqlRunner,
  userId: string,
): Promise<{ secret: string; lastUsedStep: number } | undefined> {
  const row = await db.get<{ secret: string; last_used_step: number }>(
    'SELECT secret, last_used_step FROM totp_secrets WHERE user_id = ?',
    [userId],
  );
  return row && { secret: openSecret(db, `totp:${userId}`, row.secret), lastUsedStep: row.last_used_step };
}

/**
 * Records that the code of time step `step` was used. Race-free: succeeds only if no code of this
 * or a later step was used before, so a code cannot be replayed within its window.
 */
export async function claimTotpStep(db: SqlRunner, userId: string, step: number): Promise<boolean> {
  const { changes } = await db.run(
    'UPDATE totp_secrets SET last_used_step = ? WHERE user_id = ? AND last_used_step < ?',
    [step, userId, step],
  );
  return changes === 1;
}
