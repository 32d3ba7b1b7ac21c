/**
 * Server-side sessions. The cookie carries a random 32-byte id; the table stores only its hash.
 * Sign-in never upgrades an existing row: it deletes the pre-login session and creates a new one
 * (session fixation defence, see {@link rotateSession}).
 */
import type { PortalDb } from '../db/openDatabase.js';
import { hashToken, randomToken } from '../security/tokens.js';

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
export function createSession(db: PortalDb, input: NewSession, now: number): { id: string; session: Session } {
  const id = randomToken(32);
  const ttl = input.stage === 'authenticated' ? SIGNED_IN_TTL_MS : PRE_LOGIN_TTL_MS;
  db.prepare(
    `INSERT INTO sessions (id_hash, stage, user_id, pending_email, return_to, method, device_id, credential_id, trusted,
       csrf_token, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    hashToken(id),
    input.stage,
    input.userId ?? null,
    input.pendingEmail ?? null,
    input.returnTo ?? null,
    input.method ?? null,
    input.deviceId ?? null,
    input.credentialId ?? null,
    input.trusted ? 1 : 0,
    randomToken(32),
    now,
    now + ttl,
    now,
  );
  return { id, session: findSessionByHash(db, hashToken(id), now) as Session };
}

/** The live session for a raw cookie id, or undefined if unknown or expired. */
export function findSession(db: PortalDb, rawId: string, now: number): Session | undefined {
  return findSessionByHash(db, hashToken(rawId), now);
}

export function findSessionByHash(db: PortalDb, idHash: string, now: number): Session | undefined {
  const row = db.prepare('SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?').get(idHash, now) as
    | SessionRow
    | undefined;
  return row && toSession(row);
}

/**
 * Replaces `old` (if any) with a fresh session in one transaction: a new id and a new CSRF token.
 * Used at every change of privilege (password accepted, MFA passed, device sign-in), so an id an
 * attacker planted before sign-in is worthless afterwards.
 */
export function rotateSession(db: PortalDb, old: Session | undefined, next: NewSession, now: number) {
  return db.transaction(() => {
    if (old) deleteSession(db, old.idHash);
    return createSession(db, next, now);
  })();
}

export function updatePreLogin(
  db: PortalDb,
  idHash: string,
  fields: { pendingEmail?: string | null; returnTo?: string | null },
) {
  if (fields.pendingEmail !== undefined)
    db.prepare('UPDATE sessions SET pending_email = ? WHERE id_hash = ?').run(fields.pendingEmail, idHash);
  if (fields.returnTo !== undefined)
    db.prepare('UPDATE sessions SET return_to = ? WHERE id_hash = ?').run(fields.returnTo, idHash);
}

/** Records activity, at most once a minute per session to spare writes. */
export function touchSession(db: PortalDb, session: Session, now: number): void {
  if (now - session.lastSeenAt < 60_000) return;
  db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?').run(now, session.idHash);
}

export function deleteSession(db: PortalDb, idHash: string): void {
  db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
}

/** Removes expired sessions and challenges; run at start and periodically. */
export function purgeExpired(db: PortalDb, now: number): void {
  db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
  db.prepare('DELETE FROM challenges WHERE expires_at <= ?').run(now - 60 * 60_000);
}
