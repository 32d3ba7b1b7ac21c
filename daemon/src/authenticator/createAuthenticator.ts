/**
 * The device side of protocol v1: what the server calls for each authenticated request
 * (AuthenticatorApi.ts). Registration and sign-in live in their own files; status,
 * Protect accounts and settings are small enough to sit here.
 */
import { DeviceError, KeyStoreError, toWireError, type WireError } from '../../../shared/errors.js';
import type { Account, ResultOf } from '../../../shared/protocol/index.js';
import { KEYBOUND_VERSION } from '../../../shared/version.js';
import { firstFailingPrerequisite } from '../device/prerequisites/prerequisites.js';
import { summarizeDevice } from '../device/summarizeDevice.js';
import { createSessionProofs } from '../sessions/createSessionProofs.js';
import type { CredentialRecord } from '../storage/CredentialStore.js';
import type { AuthenticatorApi } from './AuthenticatorApi.js';
import type { AuthenticatorDeps } from './AuthenticatorDeps.js';
import { auditRefusal } from './auditRefusal.js';
import { registerCredential } from './registerCredential.js';
import { registrationState } from './registrationState.js';
import { signInWithCredential } from './signInWithCredential.js';

/** Builds the AuthenticatorApi over the device profile, key store, credential store and Protect (`verifier`). */
export function createAuthenticator(deps: AuthenticatorDeps): AuthenticatorApi {
  const accountOf = (c: CredentialRecord): Account => ({
    kind: 'device-signin',
    id: c.credentialId,
    rpId: c.rpId,
    origin: c.origin,
    userName: c.userName,
    userDisplayName: c.userDisplayName,
    createdAt: c.createdAt,
    lastUsedAt: c.lastUsedAt,
    counter: c.counter,
    ...(c.deviceId ? { deviceId: c.deviceId } : {}),
  });
  const notFound = (id: string) =>
    new DeviceError('ERR_ACCOUNT_NOT_FOUND', `No account "${id}" in Protect; list them with keybound protect accounts`);
  const settingsOf = async () => {
    const p = await deps.profile.get();
    return { deviceSignIn: p.settings.deviceSignIn, notifications: p.protect.notifications };
  };

  const sessions = () => {
    if (!deps.sessionKeys) throw new KeyStoreError('ERR_KEY_NOT_FOUND', 'This daemon keeps no session keys');
    return createSessionProofs({
      keyStore: deps.keyStore,
      sessionKeys: deps.sessionKeys,
      profile: deps.profile,
      audit: deps.audit,
      now: deps.now ?? (() => new Date()),
    });
  };

  return {
    sessionRegister: (req) => sessions().register(req),
    sessionRefresh: (req) => sessions().refresh(req),
    sessionForget: (req) => sessions().forget(req),

    async status(req): Promise<ResultOf<'status'>> {
      const profile = await deps.profile.get();
      const problem = firstFailingPrerequisite(profile);
      let registration: ReturnType<typeof registrationState> = { registered: false };
      let damage: WireError | undefined;
      try {
        deps.audit.assertWritable?.();
        registration = registrationState(deps.credentials, req);
      } catch (err) {
        // A damaged credentials.db or audit.log: the page shows the sentence with its fix.
        if ((err as { code?: string }).code !== 'ERR_STATE_CORRUPT') throw err;
        damage = toWireError(err);
      }
      const blocker = damage ?? problem?.toWire();
      return {
        daemonVersion: KEYBOUND_VERSION,
        device: summarizeDevice(profile),
        eligibility: blocker ? { eligible: false, problem: blocker } : { eligible: true },
        ...registration,
      };
    },

    // No ceremony without its audit line: a log that cannot be written refuses them first.
    register: (req, ctx) =>
      auditRefusal(deps, 'registration.refused', { origin: req.origin, ctx }, async () => {
        deps.audit.assertWritable?.();
        return registerCredential(deps, req, ctx);
      }),
    signIn: (req, ctx) =>
      auditRefusal(deps, 'signin.refused', { origin: req.origin, ctx }, async () => {
        deps.audit.assertWritable?.();
        return signInWithCredential(deps, req, ctx);
      }),

    async listAccounts() {
      const totp = await deps.totp.list();
      return {
        accounts: [
          ...deps.credentials.list().map(accountOf),
          ...totp.map(
            (t): Account => ({ kind: 'totp', id: t.id, issuer: t.issuer, label: t.label, createdAt: t.createdAt }),
          ),
        ],
      };
    },

    async showAccount(accountId) {
      const c = deps.credentials.get(accountId);
      if (c) return { account: accountOf(c) };
      const t = (await deps.totp.list()).find((x) => x.id === accountId);
      if (t) return { account: { kind: 'totp', id: t.id, issuer: t.issuer, label: t.label, createdAt: t.createdAt } };
      throw notFound(accountId);
    },

    async deleteAccount(accountId) {
      const c = deps.credentials.get(accountId);
      if (c) {
        deps.credentials.delete(accountId);
        await deps.keyStore.delete(c.keyRef);
        deps.audit.record('account.deleted', { kind: 'device-signin', accountId, rpId: c.rpId, userName: c.userName });
        return { deleted: true };
      }
      if (await deps.totp.delete(accountId)) {
        deps.audit.record('account.deleted', { kind: 'totp', accountId });
        return { deleted: true };
      }
      throw notFound(accountId);
    },

    getSettings: settingsOf,

    async setSettings(settings) {
      await deps.profile.update((p) => ({ ...p, settings: { ...p.settings, deviceSignIn: settings.deviceSignIn } }));
      deps.audit.record('settings.changed', { deviceSignIn: settings.deviceSignIn });
      return settingsOf();
    },
  };
}
