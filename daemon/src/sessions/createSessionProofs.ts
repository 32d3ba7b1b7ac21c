/**
 * The daemon's part of DBSC: create a session key and sign the registration proof; sign refresh
 * proofs with it, each carrying a fresh posture statement signed by the device identity key
 * (trust re-evaluated at every refresh). No Protect prompt: the user verified at sign-in, and a
 * refresh only proves the session still runs on this device. Keys come from the KeyStore seam,
 * so a TPM-backed store serves sessions the same way.
 */
import { createDbscProof } from '../../../shared/dbsc/createDbscProof.js';
import { jwkThumbprint } from '../../../shared/dbsc/jwkThumbprint.js';
import { createPostureStatement } from '../../../shared/device/createPostureStatement.js';
import { ChannelError, KeyStoreError } from '../../../shared/errors.js';
import type { AuditLog } from '../audit/AuditLog.js';
import type { DeviceProfileSource } from '../device/deviceProfile.js';
import type { KeyStore } from '../keys/KeyStore.js';
import { readPosture } from './readPosture.js';
import type { SessionKeyFile } from './SessionKeyFile.js';

/** The private claim the portal reads the posture statement from. */
export const POSTURE_CLAIM = 'keybound_posture';

export interface SessionProofDeps {
  keyStore: KeyStore;
  sessionKeys: SessionKeyFile;
  profile: DeviceProfileSource;
  audit: AuditLog;
  now: () => Date;
}

function sameOrigin(endpoint: string, origin: string): void {
  if (new URL(endpoint).origin !== origin) {
    throw new ChannelError('ERR_INVALID_MESSAGE', `DBSC endpoint ${endpoint} is not on ${origin}`);
  }
}

export function createSessionProofs(deps: SessionProofDeps) {
  return {
    async register(req: { origin: string; endpoint: string; challenge: string; authorization?: string | undefined }) {
      sameOrigin(req.endpoint, req.origin);
      const key = await deps.keyStore.create({ purpose: 'session' });
      const keyId = await jwkThumbprint(key.publicJwk);
      const evicted = await deps.sessionKeys.add({
        keyId,
        keyRef: key.ref,
        origin: req.origin,
        createdAt: deps.now().toISOString(),
      });
      for (const old of evicted) await deps.keyStore.delete(old.keyRef);
      const proof = await createDbscProof({
        sign: (data) => deps.keyStore.sign(key.ref, data),
        challenge: req.challenge,
        jwk: key.publicJwk,
        aud: req.endpoint,
        kid: keyId,
        now: deps.now(),
        ...(req.authorization !== undefined ? { authorization: req.authorization } : {}),
      });
      deps.audit.record('session.registered', { origin: req.origin, keyId });
      return { keyId, proof };
    },

    async refresh(req: { origin: string; endpoint: string; keyId: string; challenge: string }) {
      sameOrigin(req.endpoint, req.origin);
      const entry = await deps.sessionKeys.find(req.keyId);
      if (!entry || entry.origin !== req.origin) {
        throw new KeyStoreError('ERR_KEY_NOT_FOUND', `No session key ${req.keyId} for ${req.origin}`);
      }
      const claims: Record<string, unknown> = {};
      const profile = await deps.profile.get();
      const { deviceId, identityKeyRef, state } = profile.enrollment;
      if (state === 'enrolled' && deviceId && identityKeyRef) {
        claims[POSTURE_CLAIM] = await createPostureStatement({
          sign: (data) => deps.keyStore.sign(identityKeyRef, data),
          deviceId,
          audience: req.origin,
          nonce: req.challenge,
          posture: await readPosture(deps.profile, profile, deps.keyStore),
          now: deps.now(),
        });
      }
      const proof = await createDbscProof({
        sign: (data) => deps.keyStore.sign(entry.keyRef, data),
        challenge: req.challenge,
        aud: req.endpoint,
        kid: entry.keyId,
        claims,
        now: deps.now(),
      });
      return { proof };
    },

    async forget(req: { origin: string; keyId: string }) {
      const entry = await deps.sessionKeys.find(req.keyId);
      if (!entry || entry.origin !== req.origin) return { forgotten: false };
      await deps.sessionKeys.remove(req.keyId);
      await deps.keyStore.delete(entry.keyRef);
      deps.audit.record('session.forgotten', { origin: req.origin, keyId: req.keyId });
      return { forgotten: true };
    },
  };
}

export type SessionProofs = ReturnType<typeof createSessionProofs>;
