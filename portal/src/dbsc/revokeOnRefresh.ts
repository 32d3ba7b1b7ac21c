/**
 * A refresh refused because the device itself no longer qualifies — a posture rule blocks it, or
 * it stopped signing its posture (left device management) — revokes the device's SSO grants and
 * tells the apps (back-channel logout, CAEP `session-revoked` and `device-compliance-change`).
 * A revoked device or a deleted credential already told them, in the admin's transaction.
 */
import type { PortalErrorCode } from '../../../shared/errors.js';
import type { PortalContext } from '../PortalContext.js';
import { enqueueRevocation } from '../revocation/enqueueRevocation.js';
import type { BoundSession } from '../store/boundSessions.js';
import { getDevice } from '../store/devices.js';

export async function revokeOnRefresh(
  ctx: PortalContext,
  bound: BoundSession,
  refusal: { code: PortalErrorCode; reason: string },
): Promise<void> {
  const cause =
    refusal.code === 'ERR_POSTURE_BLOCKED'
      ? 'posture-blocked'
      : refusal.reason === 'device-unenrolled'
        ? 'device-unenrolled'
        : undefined;
  const device = cause && bound.deviceId ? await getDevice(ctx.db, bound.deviceId) : undefined;
  if (!cause || !device) return;
  const base = { orgId: device.orgId, deviceId: device.id, userId: bound.userId };
  await ctx.db.transaction((tx) =>
    enqueueRevocation(
      tx,
      cause === 'posture-blocked'
        ? {
            kind: 'posture-blocked',
            ...base,
            rule: refusal.reason.startsWith('posture:') ? refusal.reason.slice('posture:'.length) : refusal.reason,
          }
        : { kind: 'device-unenrolled', ...base },
      ctx.clock(),
    ),
  );
}
