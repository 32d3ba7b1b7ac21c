/**
 * Reads the session cookie on every request of the portal's own routers, and offers helpers to
 * create a pre-login session (so forms have a CSRF token) and to find the signed-in user.
 */
import type { NextFunction, Request, Response } from 'express';
import { checkSessionBinding } from '../dbsc/checkSessionBinding.js';
import { readSessionCookie, setSessionCookie } from '../http/cookies.js';
import type { PortalContext } from '../PortalContext.js';
import {
  type AuthenticatedSession,
  createSession,
  findSession,
  type Session,
  touchSession,
} from '../store/sessions.js';
import { getUser, type User } from '../store/users.js';
import { evaluateDeviceTrust, signInOf, type TrustDecision } from '../trust/evaluateDeviceTrust.js';

/** Per-request state the portal's routes keep in `res.locals`. */
export interface PortalLocals {
  session?: Session;
}

export function locals(res: Response): PortalLocals {
  return res.locals as PortalLocals;
}

/**
 * The live session the request's cookies name, or undefined. A signed-in session whose device
 * binding fails (bound cookie missing or expired, device sign-in never bound) counts as none: a
 * copied cookie works until its expiry and no longer.
 */
export async function liveSession(ctx: PortalContext, req: Request): Promise<Session | undefined> {
  const raw = readSessionCookie(req);
  const session = raw ? await findSession(ctx.db, raw, ctx.clock()) : undefined;
  if (!session) return undefined;
  const binding = await checkSessionBinding(ctx, req, session);
  if (binding.ok) return session;
  ctx.logger.warn({ event: 'session.binding_refused', code: 'ERR_DBSC_BINDING_REQUIRED', reason: binding.reason });
  return undefined;
}

/** Loads the session (if the cookie names a live one) into `res.locals.session`. */
export function sessionMiddleware(ctx: PortalContext) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const session = await liveSession(ctx, req);
    if (session) {
      await touchSession(ctx.db, session, ctx.clock());
      locals(res).session = session;
    }
    next();
  };
}

/** The current session, creating an anonymous one (and its cookie) if there is none. */
export async function ensureSession(ctx: PortalContext, res: Response): Promise<Session> {
  const existing = locals(res).session;
  if (existing) return existing;
  const { id, session } = await createSession(ctx.db, { stage: 'anonymous' }, ctx.clock());
  setSessionCookie(res, ctx.config, id, session.expiresAt);
  locals(res).session = session;
  return session;
}

/** A signed-in user with the session and the Device Trust decision as of now. */
export interface SignedIn {
  session: AuthenticatedSession;
  user: User;
  trust: TrustDecision;
}

/**
 * The signed-in user of `req`, or undefined. Works on any route (the OIDC part calls it from its
 * interaction handlers), since it reads the cookie itself. Trust is evaluated now, not at sign-in.
 */
export async function getSignedIn(ctx: PortalContext, req: Request): Promise<SignedIn | undefined> {
  const session = await liveSession(ctx, req);
  if (session?.stage !== 'authenticated') return undefined;
  const user = await getUser(ctx.db, session.userId);
  if (!user) return undefined;
  return { session, user, trust: await evaluateDeviceTrust(ctx.db, signInOf(session, user)) };
}
