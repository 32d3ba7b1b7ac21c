import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultCrypto } from '../../../shared/crypto/index.js';
import { type DeviceProfile, type DeviceProfileSource, eligibleDeviceProfile } from '../device/deviceProfile.js';
import { FileKeyStore } from '../keys/FileKeyStore.js';
import { createMachineSealer } from '../keys/MachineSealer.js';
import { createSessionProofs, POSTURE_CLAIM } from './createSessionProofs.js';
import { SessionKeyFile } from './SessionKeyFile.js';

const ORIGIN = 'http://localhost:8080';

describe('session proofs (the daemon side of DBSC)', () => {
  let dir: string;
  let keys: FileKeyStore;
  let profile: DeviceProfile;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-session-proofs-'));
    const sealer = await createMachineSealer({
      dataDir: dir,
      identity: { machineId: 'test', uid: 0, username: 'test' },
      crypto: defaultCrypto,
    });
    keys = new FileKeyStore(dir, sealer, defaultCrypto, () => new Date());
    const identity = await keys.create({ purpose: 'device-identity' });
    const base = eligibleDeviceProfile();
    profile = { ...base, enrollment: { ...base.enrollment, identityKeyRef: identity.ref } };
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const proofs = () => {
    const source: DeviceProfileSource = {
      kind: 'emulator',
      get: async () => profile,
      update: async (change) => {
        profile = change(profile);
        return profile;
      },
    };
    return createSessionProofs({
      keyStore: keys,
      sessionKeys: new SessionKeyFile(dir),
      profile: source,
      audit: { record: () => undefined },
      now: () => new Date(),
    });
  };

  it('should carry a posture statement while enrolled, and none once the device has left device management', async () => {
    const p = proofs();
    const { keyId } = await p.register({
      origin: ORIGIN,
      endpoint: `${ORIGIN}/dbsc/register`,
      challenge: 'registration-challenge-000000000000000000000',
    });
    const refresh = (challenge: string) =>
      p.refresh({ origin: ORIGIN, endpoint: `${ORIGIN}/dbsc/refresh`, keyId, challenge });
    const enrolled = decodeJwt((await refresh('refresh-challenge-1-00000000000000000000000')).proof);
    expect(enrolled[POSTURE_CLAIM]).toEqual(expect.any(String));

    // What `keybound device unenroll` leaves: no enrollment, no identity key.
    await keys.delete(profile.enrollment.identityKeyRef as string);
    profile = { ...profile, enrollment: { state: 'not-enrolled' } };
    const after = decodeJwt((await refresh('refresh-challenge-2-00000000000000000000000')).proof);
    // The portal refuses such a refresh for a session that carried statements (ERR_DEVICE_NOT_ENROLLED).
    expect(after).not.toHaveProperty(POSTURE_CLAIM);
    expect(after.jti).toBe('refresh-challenge-2-00000000000000000000000');
  });
});
