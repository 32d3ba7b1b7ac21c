/**
 * Is this signed-in session allowed to act now, as far as device binding goes? A session that
 * registered a bound session (DBSC) needs a current bound cookie: a copied cookie set works until
 * its expiry and no longer (the infostealer case). A device sign-in must bind within one refresh
 * interval; until then it works unbound (registration runs just after sign-in). Password sessions
 * that never bound stay bearer sessions, as before (they are never trusted).
 */
import type { Request } from 'express';
import { readBoundCookie } from '../http/cookies.js';
import type { PortalContext } from '../PortalContext.js';
import { boundCookieValid, findBoundSessionFor } from '../store/boundSessions.js';
import { getOrganisation } from '../store/organisations.js';
import type { Session } from '../store/sessions.js';
import { getUser } from '../store/users.js';

export type BindingCheck =
  | { ok: true; boundId: string | null }
  | { ok: false; reason: 'bound-cookie-missing' | 'bound-cookie-expired' | 'not-bound-in-time' };

/** Seconds a bound cookie lives for the session's organisation (default 300). */
export async function refreshSecondsFor(ctx: PortalContext, userId: string | null): Promise<number> {
  const user = userId ? await getUser(ctx.db, userId) : undefined;
  return (user && (await getOrganisation(ctx.db, user.orgId))?.sessionRefreshSeconds) || 300;
}

export async function checkSessionBinding(ctx: PortalContext, req: Request, session: Session): Promise<BindingCheck> {
  if (session.stage !== 'authenticated') return { ok: true, boundId: null };
  const now = ctx.clock();
  const bound = await findBoundSessionFor(ctx.db, session.idHash);
  if (bound) {
    const raw = readBoundCookie(req);
    if (await boundCookieValid(ctx.db, bound.id, raw, now)) return { ok: true, boundId: bound.id };
    return { ok: false, reason: raw ? 'bound-cookie-expired' : 'bound-cookie-missing' };
  }
  if (session.method === 'device' && now > session.createdAt + (await refreshSecondsFor(ctx, session.userId)) * 1000) {
    return { ok: false, reason: 'not-bound-in-time' };
  }
  return { ok: true, boundId: null };
}
