/**
 * The identity key that signs device statements. Enrolling creates it (DeviceControl.enroll);
 * an emulated profile switched to "enrolled" by hand (`keybound device set enrollment.state
 * enrolled`) gets one here on first use, with a random device id — a statement the portal can
 * only accept once that key is in its inventory.
 */
import type { DeviceProfile } from '../device/deviceProfile.js';
import type { AuthenticatorDeps } from './AuthenticatorDeps.js';

/** One creation at a time per profile source: two first registrations at once must not make two identities. */
const inFlight = new WeakMap<object, Promise<unknown>>();

type Identity = { identityKeyRef: string; deviceId: string; profile: DeviceProfile };

export async function ensureDeviceIdentity(deps: Pick<AuthenticatorDeps, 'profile' | 'keyStore'>): Promise<Identity> {
  const previous = inFlight.get(deps.profile) ?? Promise.resolve();
  // Re-read inside the queue: an earlier call may just have created the identity.
  const run = previous.then(async () => ensureNow(deps, await deps.profile.get()));
  inFlight.set(
    deps.profile,
    run.catch(() => undefined),
  );
  return run;
}

async function ensureNow(
  deps: Pick<AuthenticatorDeps, 'profile' | 'keyStore'>,
  profile: DeviceProfile,
): Promise<Identity> {
  const { identityKeyRef, deviceId } = profile.enrollment;
  if (identityKeyRef && deviceId) {
    try {
      await deps.keyStore.publicKey(identityKeyRef);
      return { identityKeyRef, deviceId, profile };
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_KEY_NOT_FOUND') throw err;
    }
  }
  const key = await deps.keyStore.create({ purpose: 'device-identity' });
  const next = await deps.profile.update((p) => ({
    ...p,
    enrollment: { ...p.enrollment, deviceId: p.enrollment.deviceId ?? crypto.randomUUID(), identityKeyRef: key.ref },
  }));
  return { identityKeyRef: key.ref, deviceId: next.enrollment.deviceId as string, profile: next };
}
