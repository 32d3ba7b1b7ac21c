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

interface SessionBase {
  idHash: string;
  /** Where to continue after sign-in (kept through the stages). */
  returnTo: string | null;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
}

/** Before sign-in: at most the email the user typed. */
export interface AnonymousSession extends SessionBase {
  stage: 'anonymous';
  userId: null;
  pendingEmail: string | null;
  method: null;
  deviceId: null;
  credentialId: null;
  trustedAtSignIn: false;
}

/** Password accepted, second factor pending. */
export interface MfaSession extends SessionBase {
  stage: 'mfa';
  userId: string;
  pendingEmail: string;
  method: null;
  deviceId: null;
  credentialId: null;
  trustedAtSignIn: false;
}

/** Signed in, by `method`; a device sign-in names its credential and device. */
export interface AuthenticatedSession extends SessionBase {
  stage: 'authenticated';
  userId: string;
  pendingEmail: null;
  method: SignInMethod;
  deviceId: string | null;
  credentialId: string | null;
  /** Trust as evaluated at sign-in; use evaluateDeviceTrust for the current answer. */
  trustedAtSignIn: boolean;
}

/** A session, by stage: what each stage holds is typed, so no caller has to assume it. */
export type Session = AnonymousSession | MfaSession | AuthenticatedSession;

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

/** A row as its stage's session; undefined when the row does not hold what its stage needs. */
function toSession(r: SessionRow): Session | undefined {
  const base = {
    idHash: r.id_hash,
    returnTo: r.return_to,
    csrfToken: r.csrf_token,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastSeenAt: r.last_seen_at,
  };
  const none = { method: null, deviceId: null, credentialId: null, trustedAtSignIn: false } as const;
  switch (r.stage) {
    case 'anonymous':
      return { ...base, ...none, stage: 'anonymous', userId: null, pendingEmail: r.pending_email };
    case 'mfa':
      if (r.user_id === null || r.pending_email === null) return undefined;
      return { ...base, ...none, stage: 'mfa', userId: r.user_id, pendingEmail: r.pending_email };
    case 'authenticated':
      if (r.user_id === null || r.method === null) return undefined;
      return {
        ...base,
        stage: 'authenticated',
        userId: r.user_id,
        pendingEmail: null,
        method: r.method,
        deviceId: r.device_id,
        credentialId: r.credential_id,
        trustedAtSignIn: r.trusted === 1,
      };
    default:
      return undefined;
  }
}

/** Lifetimes: short before sign-in, a working day after. */
export const PRE_LOGIN_TTL_MS = 30 * 60_000;
export const SIGNED_IN_TTL_MS = 12 * 60 * 60_000;

/** What a new session holds, by stage. */
export type NewSession =
  | { stage: 'anonymous'; pendingEmail?: string | null; returnTo?: string | null }
  | { stage: 'mfa'; userId: string; pendingEmail: string; returnTo?: string | null }
  | {
      stage: 'authenticated';
      userId: string;
      method: SignInMethod;
      deviceId?: string | null;
      credentialId?: string | null;
      trusted?: boolean;
      returnTo?: string | null;
    };

/** Creates a session; returns the raw id (for the cookie, never stored) and the row. */
export async function createSession(
  db: SqlRunner,
  input: NewSession,
  now: number,
): Promise<{ id: string; session: Session }> {
  const id = randomToken(32);
  const ttl = input.stage === 'authenticated' ? SIGNED_IN_TTL_MS : PRE_LOGIN_TTL_MS;
  const base = {
    idHash: hashToken(id),
    returnTo: input.returnTo ?? null,
    csrfToken: randomToken(32),
    createdAt: now,
    expiresAt: now + ttl,
    lastSeenAt: now,
  };
  const none = { method: null, deviceId: null, credentialId: null, trustedAtSignIn: false } as const;
  const session: Session =
    input.stage === 'anonymous'
      ? { ...base, ...none, stage: 'anonymous', userId: null, pendingEmail: input.pendingEmail ?? null }
      : input.stage === 'mfa'
        ? { ...base, ...none, stage: 'mfa', userId: input.userId, pendingEmail: input.pendingEmail }
        : {
            ...base,
            stage: 'authenticated',
            userId: input.userId,
            pendingEmail: null,
            method: input.method,
            deviceId: input.deviceId ?? null,
            credentialId: input.credentialId ?? null,
            trustedAtSignIn: Boolean(input.trusted),
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
  return row ? toSession(row) : undefined;
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
