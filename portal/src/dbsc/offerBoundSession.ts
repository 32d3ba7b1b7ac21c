/**
 * Asks the browser to bind a signed-in session to a device key (spec: Secure-Session-Registration
 * on a response). Native DBSC browsers act on it by themselves; the Keybound extension watches
 * the portal's responses for it and has the daemon answer (docs/sessions.md).
 */
import type { Response } from 'express';
import { formatRegistrationHeader, SECURE_SESSION_REGISTRATION } from '../../../shared/dbsc/dbscHeaders.js';
import type { PortalContext } from '../PortalContext.js';
import { issueDbscChallenge } from '../store/dbscChallenges.js';

export const DBSC_REGISTER_PATH = '/dbsc/register';
export const DBSC_REFRESH_PATH = '/dbsc/refresh';
/** A registration challenge lives this long: registration follows the sign-in within seconds. */
export const REGISTRATION_CHALLENGE_TTL_MS = 5 * 60_000;

export async function offerBoundSession(ctx: PortalContext, res: Response, sessionHash: string): Promise<void> {
  const challenge = await issueDbscChallenge(
    ctx.db,
    { purpose: 'registration', sessionHash, ttlMs: REGISTRATION_CHALLENGE_TTL_MS },
    ctx.clock(),
  );
  res.append(
    SECURE_SESSION_REGISTRATION,
    formatRegistrationHeader({ algorithms: ['ES256'], path: DBSC_REGISTER_PATH, challenge }),
  );
}
