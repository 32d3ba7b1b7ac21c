/**
 * Ends a bound session and the portal session it binds, so the next request from that browser is
 * signed out. Used when a refresh is refused for a reason that must end the session: device
 * revoked, credential deleted, posture blocked.
 */
import type { PortalContext } from '../PortalContext.js';
import { type BoundSession, endBoundSession } from '../store/boundSessions.js';
import { deleteSession } from '../store/sessions.js';

export async function terminateBoundSession(ctx: PortalContext, bound: BoundSession, reason: string): Promise<boolean> {
  const ended = await endBoundSession(ctx.db, bound.id, reason, ctx.clock());
  await deleteSession(ctx.db, bound.sessionHash);
  return ended;
}
