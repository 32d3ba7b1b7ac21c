/**
 * Server-side sessions. The cookie carries a random 32-byte id; the table stores only its hash.
 * Sign-in never upgrades an existing row: it deletes the pre-login session and creates a new one
 * (session fixation defence, see {@link rotateSession}).
 */
import type { PortalDb, SqlRunner } from '../db/PortalDb.js';
import { hashToken, randomToken } from '../security/tokens.js';
import { purgeFullBuckets } from './rateBudgets.js';

export type SessionStage = 'anonymous' | 'mfa' | 'authenticated';
export type SignInMethod = 'password' | 'password+mfa' | 'device';

export interface Session {
  idHash: string;
  stage: SessionStage;
  userId: string | null;
  pendingEmail: string | null;
  returnTo: string | null;
  method: SignInMethod | null;
  deviceId: string | null;
  credentialId: string | null;
  /** Trust as evaluated at sign-in; use evaluateDeviceTrust for the current answer. */
  trustedAtSignIn: boolean;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
}

interface SessionRow {
  id_hash: string;
  stage: SessionStage;
  user_id: string | null;
  pending_email: string | null;
  return_to: string | null;
  method: SignInMethod | null;
  device_id: string | null;
  credential_id: string | null;
  trusted: number;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
}

const toSession = (r: SessionRow): Session => ({
  idHash: r.id_hash,
  stage: r.stage,
  userId: r.user_id,
  pendingEmail: r.pending_email,
  returnTo: r.return_to,
  method: r.method,
  deviceId: r.device_id,
  credentialId: r.credential_id,
  trustedAtSignIn: r.trusted === 1,
  csrfToken: r.csrf_token,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastSeenAt: r.last_seen_at,
});

/** Lifetimes: short before sign-in, a working day after. */
export const PRE_LOGIN_TTL_MS = 30 * 60_000;
export const SIGNED_IN_TTL_MS = 12 * 60 * 60_000;

export interface NewSession {
  stage: SessionStage;
  userId?: string | null;
  pendingEmail?: string | null;
  returnTo?: string | null;
  method?: SignInMethod | null;
  deviceId?: string | null;
  credentialId?: string | null;
  trusted?: boolean;
}

/** Creates a session; returns the raw id (for the cookie, never stored) and the row. */
export async function createSession(
  db: SqlRunner,
  input: NewSession,
  now: number,
): Promise<{ id: string; session: Session }> {
  const id = randomToken(32);
  const ttl = input.stage === 'authenticated' ? SIGNED_IN_TTL_MS : PRE_LOGIN_TTL_MS;
  const session: Session = {
    idHash: hashToken(id),
    stage: input.stage,
    userId: input.userId ?? null,
    pendingEmail: input.pendingEmail ?? null,
    returnTo: input.returnTo ?? null,
    method: input.method ?? null,
    deviceId: input.deviceId ?? null,
    credentialId: input.credentialId ?? null,
    trustedAtSignIn: Boolean(input.trusted),
    csrfToken: randomToken(32),
    createdAt: now,
    expiresAt: now + ttl,
    lastSeenAt: now,
  };
  await db.run(
    `INSERT INTO sessions (id_hash, stage, user_id, pending_email, return_to, method, device_id, credential_id, trusted,
       csrf_token, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      session.idHash,
      session.stage,
      session.userId,
      session.pendingEmail,
      session.returnTo,
      session.method,
      session.deviceId,
      session.credentialId,
      session.trustedAtSignIn ? 1 : 0,
      session.csrfToken,
      now,
      session.expiresAt,
      now,
    ],
  );
  // The row just written, built here rather than read back (one statement fewer per sign-in).
  return { id, session };
}

/** The live session for a raw cookie id, or undefined if unknown or expired. */
export async function findSession(db: SqlRunner, rawId: string, now: number): Promise<Session | undefined> {
  return findSessionByHash(db, hashToken(rawId), now);
}

export async function findSessionByHash(db: SqlRunner, idHash: string, now: number): Promise<Session | undefined> {
  const row = await db.get<SessionRow>('SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?', [idHash, now]);
  return row && toSession(row);
}

/**
 * Replaces `old` (if any) with a fresh session in one transaction: a new id and a new CSRF token.
 * Used at every change of privilege (password accepted, MFA passed, device sign-in), so an id an
 * attacker planted before sign-in is worthless afterwards.
 */
export async function rotateSession(
  db: PortalDb,
  old: Session | undefined,
  next: NewSession,
  now: number,
): Promise<{ id: string; session: Session }> {
  if (!old) return createSession(db, next, now);
  return db.transaction(async (tx) => {
    await deleteSession(tx, old.idHash);
    return createSession(tx, next, now);
  });
}

export async function updatePreLogin(
  db: SqlRunner,
  idHash: string,
  fields: { pendingEmail?: string | null; returnTo?: string | null },
): Promise<void> {
  if (fields.pendingEmail !== undefined)
    await db.run('UPDATE sessions SET pending_email = ? WHERE id_hash = ?', [fields.pendingEmail, idHash]);
  if (fields.returnTo !== undefined)
    await db.run('UPDATE sessions SET return_to = ? WHERE id_hash = ?', [fields.returnTo, idHash]);
}

/** Records activity, at most once a minute per session to spare writes. */
export async function touchSession(db: SqlRunner, session: Session, now: number): Promise<void> {
  if (now - session.lastSeenAt < 60_000) return;
  await db.run('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?', [now, session.idHash]);
}

export async function deleteSession(db: SqlRunner, idHash: string): Promise<void> {
  await db.run('DELETE FROM sessions WHERE id_hash = ?', [idHash]);
}

/** Removes expired sessions and challenges; run at start and periodically. */
export async function purgeExpired(db: SqlRunner, now: number): Promise<void> {
  await db.run('DELETE FROM sessions WHERE expires_at <= ?', [now]);
  await db.run('DELETE FROM challenges WHERE expires_at <= ?', [now - 60 * 60_000]);
  // A rate bucket idle for an hour has refilled: forgetting it changes nothing.
  await purgeFullBuckets(db, now - 60 * 60_000);
}
