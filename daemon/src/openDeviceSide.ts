/**
 * The real device side, composed from its rooms: the state in the data dir (openDaemonState:
 * keys, storage, device profile, audit log) and the authenticator over it, with Protect (the
 * `verifier`) doing user verification. `startDaemon` imports this lazily, so `keybound --help`
 * stays fast. `overrides` lets tests pretend to be another machine or swap the key store.
 */
import type { WireError } from '../../shared/errors.js';
import type { DeviceSide, OpenDeviceSide } from './DeviceSide.js';
import { type DaemonStateOptions, openDaemonState } from './openDaemonState.js';

export type OpenDeviceSideArgs = Parameters<OpenDeviceSide>[0] &
  Partial<Omit<DaemonStateOptions, 'dataDir' | 'device' | 'logger'>>;

export async function openDeviceSide(args: OpenDeviceSideArgs): Promise<DeviceSide> {
  const { verifier, clock, ...options } = args;
  const state = await openDaemonState({ now: clock, sweep: true, ...options });
  const control = state.device;
  return {
    authenticator: state.createAuthenticator(verifier),
    pairings: state.pairings,
    audit: state.audit,
    device: {
      status: async () => {
        const shown = await control.show();
        return {
          source: state.profile.kind,
          profile: shown.profile,
          eligible: shown.eligible,
          ...(shown.problem ? { problem: shown.problem as WireError } : {}),
        };
      },
      setNotifications: (on) => control.setNotifications(on),
      installProtect: (source) => control.installProtect(source),
      uninstallProtect: () => control.uninstallProtect(),
      addTotp: (uri) => control.addTotp(uri),
      totpCode: (id) => control.totpCode(id),
    },
    close: () => state.close(),
  };
}
