/**
 * The single place a user becomes signed in: the pre-login session is replaced by a new one
 * (new id, new CSRF token), the cookie is set, and the sign-in is audited with its method, device,
 * trust and whether it was phishing-resistant.
 */
import type { Request, Response } from 'express';
import { offerBoundSession } from '../dbsc/offerBoundSession.js';
import { setSessionCookie } from '../http/cookies.js';
import type { PortalContext } from '../PortalContext.js';
import { audit } from '../store/audit.js';
import { rotateSession, type Session, type SignInMethod } from '../store/sessions.js';
import type { User } from '../store/users.js';
import { evaluateDeviceTrust } from '../trust/evaluateDeviceTrust.js';

export interface CompleteSignInInput {
  user: User;
  method: SignInMethod;
  deviceId?: string;
  credentialId?: string;
  /** Where to go next; defaults to the pre-login session's return path, then "/". */
  next?: string;
}

/** Returns the new session and the path to continue to. */
export async function completeSignIn(
  ctx: PortalContext,
  req: Request,
  res: Response,
  previous: Session | undefined,
  input: CompleteSignInInput,
): Promise<{ session: Session; next: string }> {
  const now = ctx.clock();
  const next = input.next ?? previous?.returnTo ?? '/';
  const draft = {
    stage: 'authenticated' as const,
    userId: input.user.id,
    method: input.method,
    deviceId: input.deviceId ?? null,
    credentialId: input.credentialId ?? null,
    // Kept so the page after sign-in (device registration) knows where to continue.
    returnTo: next,
  };
  // Trust is decided from the inventory as it is now (the same function every later use calls).
  const trust = await evaluateDeviceTrust(ctx.db, {
    user: input.user,
    method: input.method,
    credentialId: draft.credentialId,
    deviceId: draft.deviceId,
  });
  const { id, session } = await rotateSession(ctx.db, previous, { ...draft, trusted: trust.trusted }, now);
  setSessionCookie(res, ctx.config, id, session.expiresAt);
  // Every sign-in is offered device binding (DBSC); a device sign-in must take it (checkSessionBinding).
  await offerBoundSession(ctx, res, session.idHash);
  await audit(
    ctx.db,
    {
      event: 'signin.success',
      actor: `user:${input.user.id}`,
      orgId: input.user.orgId,
      userId: input.user.id,
      deviceId: input.deviceId ?? null,
      details: {
        method: input.method,
        trusted: trust.trusted,
        phishingResistant: input.method === 'device',
        ip: req.ip ?? req.socket.remoteAddress ?? null,
      },
    },
    now,
  );
  ctx.logger.info({ event: 'signin.success', method: input.method, trusted: trust.trusted }, 'signed in');
  return { session, next };
}
