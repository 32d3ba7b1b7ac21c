/**
 * A refresh refused because a posture rule blocks the device: revoke the device's SSO grants and
 * tell the apps (back-channel logout, CAEP `session-revoked` and `device-compliance-change`).
 */
import type { PortalContext } from '../PortalContext.js';
import { enqueueRevocation } from '../revocation/enqueueRevocation.js';
import type { BoundSession } from '../store/boundSessions.js';
import { getDevice } from '../store/devices.js';

export async function revokeForPosture(ctx: PortalContext, bound: BoundSession, reason: string): Promise<void> {
  const device = bound.deviceId ? await getDevice(ctx.db, bound.deviceId) : undefined;
  if (!device) return;
  const rule = reason.startsWith('posture:') ? reason.slice('posture:'.length) : reason;
  await ctx.db.transaction((tx) =>
    enqueueRevocation(
      tx,
      { kind: 'posture-blocked', orgId: device.orgId, deviceId: device.id, userId: bound.userId, rule },
      ctx.clock(),
    ),
  );
}
