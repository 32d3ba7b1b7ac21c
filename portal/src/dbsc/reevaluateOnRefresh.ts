/**
 * Trust, re-evaluated at every refresh (issue 11): the device's standing in the inventory (revoked,
 * unknown, its credential deleted) and its posture against the organisation's rules. A refusal
 * here ends the session; the caller terminates it and audits the code.
 */
import type { JWTPayload } from 'jose';
import type { PortalErrorCode } from '../../../shared/errors.js';
import type { PortalContext } from '../PortalContext.js';
import { checkPostureOnRefresh } from '../posture/checkPostureOnRefresh.js';
import type { BoundSession } from '../store/boundSessions.js';
import type { Session } from '../store/sessions.js';
import { trustOfSession } from '../trust/evaluateDeviceTrust.js';

export type RefreshStanding = { ok: true } | { ok: false; code: PortalErrorCode; message: string; reason: string };

export async function reevaluateOnRefresh(
  ctx: PortalContext,
  input: { session: Session; bound: BoundSession; payload: JWTPayload; jti: string },
): Promise<RefreshStanding> {
  const { session } = input;
  if (session.method === 'device') {
    const trust = await trustOfSession(ctx.db, session);
    if (trust.reason === 'device-revoked') {
      return { ok: false, code: 'ERR_DEVICE_REVOKED', message: trust.message, reason: 'device-revoked' };
    }
    if (!trust.trusted)
      return { ok: false, code: 'ERR_DEVICE_NOT_TRUSTED', message: trust.message, reason: trust.reason };
  }
  return checkPostureOnRefresh(ctx, input);
}
