/**
 * A device side for channel tests that do not need the real key store: accounts and settings in
 * memory, register and sign-in by the shared SoftwareAuthenticator, each after asking Protect
 * (the daemon's UserVerifier) like the real authenticator does.
 */

import type { AuthenticatorApi } from '../../daemon/src/authenticator/AuthenticatorApi.js';
import type { DeviceSide, OpenDeviceSide } from '../../daemon/src/DeviceSide.js';
import { MemoryPairingStore } from '../../daemon/src/pairing/MemoryPairingStore.js';
import { SoftwareAuthenticator } from '../../dev/softwareAuthenticator.js';
import { KeyboundError, KeyStoreError } from '../../shared/errors.js';

const summary = {
  platform: 'linux' as const,
  enrollment: { state: 'enrolled' as const, type: 'desktop-agent' as const, organisation: 'Acme' },
  protect: { installed: true, managed: true, opened: true, notifications: true },
  userVerification: { biometrics: true, pin: true },
  deviceSignIn: true,
};

/** Returns an OpenDeviceSide plus the in-memory parts the test can inspect. */
export function fakeDeviceSide(options: { totpAccounts?: number } = {}): {
  open: OpenDeviceSide;
  pairings: MemoryPairingStore;
} {
  const pairings = new MemoryPairingStore();
  const open: OpenDeviceSide = async ({ verifier }) => {
    const soft = new SoftwareAuthenticator({ deviceId: 'dev-test' });
    await soft.enrollIdentity();
    let deviceSignIn = true;
    const noSessions = async (): Promise<never> => {
      throw new KeyStoreError('ERR_KEY_NOT_FOUND', 'The fake device side keeps no session keys');
    };
    const authenticator: AuthenticatorApi = {
      sessionRegister: noSessions,
      sessionRefresh: noSessions,
      sessionForget: noSessions,
      status: async () => ({
        daemonVersion: '0.1.0',
        device: summary,
        eligibility: { eligible: true },
        registered: false,
      }),
      register: async (req, ctx) => {
        const handle = await verifier.verify({
          action: 'register',
          origin: req.origin,
          rpId: req.options.rp.id,
          userName: req.options.user.name,
          browser: ctx.browser,
          requestId: ctx.requestId,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          ...(ctx.events ? { events: ctx.events } : {}),
        });
        const result = await soft.register(req.origin, req.options);
        handle.complete({ ok: true });
        return result;
      },
      signIn: async (req, ctx) => {
        const handle = await verifier.verify({
          action: 'signIn',
          origin: req.origin,
          browser: ctx.browser,
          requestId: ctx.requestId,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          ...(ctx.events ? { events: ctx.events } : {}),
        });
        const result = await soft.signIn(req.origin, req.options);
        handle.complete({ ok: true });
        return result;
      },
      listAccounts: async () => ({
        accounts: Array.from({ length: options.totpAccounts ?? 0 }, (_, i) => ({
          kind: 'totp' as const,
          id: `totp-${i}`,
          issuer: 'Acme',
          label: `account ${i}`,
          createdAt: '2026-01-01T00:00:00.000Z',
        })),
      }),
      showAccount: async (id) => {
        throw new KeyboundError('ERR_CREDENTIAL_NOT_FOUND', `No account "${id}"`);
      },
      deleteAccount: async (id) => {
        throw new KeyboundError('ERR_CREDENTIAL_NOT_FOUND', `No account "${id}"`);
      },
      getSettings: async () => ({ deviceSignIn, notifications: true }),
      setSettings: async (s) => {
        deviceSignIn = s.deviceSignIn;
        return { deviceSignIn, notifications: true };
      },
    };
    const side: DeviceSide = {
      authenticator,
      pairings,
      device: {
        status: async () => ({ source: 'emulator', profile: summary, eligible: true }),
        setNotifications: async (on) => ({ notifications: on }),
        installProtect: async (source) => ({ installed: true, source }),
        uninstallProtect: async () => ({ installed: false }),
        addTotp: async () => ({ id: 'totp1' }),
        totpCode: async () => ({ code: '123456' }),
      },
      close: async () => {},
    };
    return side;
  };
  return { open, pairings };
}
