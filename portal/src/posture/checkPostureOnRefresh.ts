/**
 * At each refresh: verify the posture statement the proof carries (or record "unknown" for a
 * client that sends none, such as a browser's native DBSC), store the signals, update which rules
 * fail since when, audit any change, and refuse when a rule blocks (the refusal names the rule).
 */
import type { JWTPayload } from 'jose';
import { UNKNOWN_POSTURE } from '../../../shared/device/postureSchema.js';
import type { RefreshStanding } from '../dbsc/reevaluateOnRefresh.js';
import type { PortalContext } from '../PortalContext.js';
import { audit } from '../store/audit.js';
import { type BoundSession, markPostureSigned } from '../store/boundSessions.js';
import { getDevice } from '../store/devices.js';
import type { Session } from '../store/sessions.js';
import { evaluatePosture } from './evaluatePosture.js';
import { describeBlockingRule } from './postureReport.js';
import { failingSince, getDevicePosture, listPostureRules, saveDevicePosture, updateFailures } from './postureStore.js';
import { verifyPostureStatement } from './verifyPostureStatement.js';

/** The private claim of a Keybound DBSC proof that carries the posture statement. */
export const POSTURE_CLAIM = 'keybound_posture';

export async function checkPostureOnRefresh(
  ctx: PortalContext,
  input: { session: Session; bound: BoundSession; payload: JWTPayload; jti: string },
): Promise<RefreshStanding> {
  const deviceId = input.bound.deviceId ?? input.session.deviceId;
  const device = deviceId ? await getDevice(ctx.db, deviceId) : undefined;
  if (!device) return { ok: true };
  const now = ctx.clock();
  let signals = UNKNOWN_POSTURE;
  const claim = input.payload[POSTURE_CLAIM];
  if (claim === undefined && input.bound.postureSigned) {
    // This session's device vouched for itself before and now cannot: its identity key is gone.
    return {
      ok: false,
      code: 'ERR_DEVICE_NOT_ENROLLED',
      message: 'The device no longer signs its posture: it has left device management',
      reason: 'device-unenrolled',
    };
  }
  if (claim !== undefined) {
    const checked = await verifyPostureStatement({
      jws: claim,
      deviceId: device.id,
      devicePublicJwk: device.publicJwk,
      audience: ctx.config.origin,
      nonce: input.jti,
      now,
    });
    if (!checked.verified) {
      return { ok: false, code: 'ERR_DEVICE_STATEMENT_INVALID', message: checked.message, reason: 'posture-invalid' };
    }
    signals = checked.signals;
    if (!input.bound.postureSigned) await markPostureSigned(ctx.db, input.bound.id);
  }
  const previous = await getDevicePosture(ctx.db, device.id);
  await saveDevicePosture(ctx.db, device.id, signals, now);
  const before = await failingSince(ctx.db, device.id);
  const outcomes = evaluatePosture({
    rules: await listPostureRules(ctx.db, device.orgId),
    signals,
    failingSince: before,
    now,
  });
  const failing = outcomes.filter((o) => o.state !== 'pass').map((o) => o.rule);
  await updateFailures(ctx.db, device.id, failing, now);
  const changedSignals = JSON.stringify(previous?.signals) !== JSON.stringify(signals);
  const changedRules = failing.join(',') !== [...before.keys()].sort().join(',');
  if (changedSignals || changedRules) {
    await audit(
      ctx.db,
      {
        event: 'posture.changed',
        actor: `device:${device.id}`,
        orgId: device.orgId,
        userId: input.bound.userId,
        deviceId: device.id,
        details: { signals, failing: outcomes.filter((o) => o.state !== 'pass').map((o) => `${o.rule}:${o.mode}`) },
      },
      now,
    );
  }
  const blocking = outcomes.find((o) => o.blocking);
  if (blocking) {
    return {
      ok: false,
      code: 'ERR_POSTURE_BLOCKED',
      message: describeBlockingRule(blocking),
      reason: `posture:${blocking.rule}`,
    };
  }
  return { ok: true };
}
