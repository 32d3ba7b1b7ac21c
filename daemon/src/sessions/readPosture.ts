/**
 * The posture signals a refresh reports: from the host OS in host mode, from the emulated
 * profile's `posture` (set with `keybound device set posture.<signal> …`) in the emulator;
 * Protect's readiness from the registration prerequisites; key protection from the key store.
 */
import { type PostureSignals, UNKNOWN_POSTURE } from '../../../shared/device/postureSchema.js';
import type { DeviceProfile, DeviceProfileSource } from '../device/deviceProfile.js';
import { readHostPosture } from '../device/host/posture/readHostPosture.js';
import { firstFailingPrerequisite } from '../device/prerequisites/prerequisites.js';
import type { KeyStore } from '../keys/KeyStore.js';

/** Where the key store keeps keys: a TPM is hardware; a store that does not say is "unknown". */
export function keyProtectionOf(keyStore: KeyStore): PostureSignals['keyProtection'] {
  if (keyStore.protection === 'tpm') return 'hardware';
  if (keyStore.protection === 'software') return 'software';
  return 'unknown';
}

export async function readPosture(
  source: DeviceProfileSource,
  profile: DeviceProfile,
  keyStore: KeyStore,
): Promise<PostureSignals> {
  const base = source.kind === 'host' ? await readHostPosture() : { ...UNKNOWN_POSTURE, ...profile.posture };
  return {
    osName: base.osName,
    osVersion: base.osVersion,
    diskEncryption: base.diskEncryption,
    firewall: base.firewall,
    screenLock: base.screenLock,
    protect: firstFailingPrerequisite(profile) ? 'not-ready' : 'ready',
    keyProtection: keyProtectionOf(keyStore),
  };
}
