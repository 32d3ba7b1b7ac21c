/**
 * The real device side, composed from its rooms: the state in the data dir (openDaemonState:
 * keys, storage, device profile, audit log) and the authenticator over it, with Protect (the
 * `verifier`) doing user verification. `startDaemon` imports this lazily, so `keybound --help`
 * stays fast. `overrides` lets tests pretend to be another machine or swap the key store.
 */
import type { DeviceSide, OpenDeviceSide } from './DeviceSide.js';
import { type DaemonStateOptions, openDaemonState } from './openDaemonState.js';

export type OpenDeviceSideArgs = Parameters<OpenDeviceSide>[0] &
  Partial<Omit<DaemonStateOptions, 'dataDir' | 'device' | 'logger'>>;

export async function openDeviceSide(args: OpenDeviceSideArgs): Promise<DeviceSide> {
  const { verifier, clock, ...options } = args;
  const state = await openDaemonState({ now: clock, sweep: true, ...options });
  return {
    authenticator: state.createAuthenticator(verifier),
    pairings: state.pairings,
    device: state.device,
    close: () => state.close(),
  };
}
