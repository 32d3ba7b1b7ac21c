/**
 * The real device side in the shape startDaemon expects (`OpenDeviceSide`): opens the data dir
 * (openDaemonState) and builds the authenticator around the channel side's Protect queue.
 * startDaemon should use it as its default: `openDeviceSide: (await import('./authenticator/openDeviceSide.js')).openDeviceSide`.
 */
import type { DeviceControlApi } from '../control/DeviceControlApi.js';
import type { OpenDeviceSide } from '../startDaemon.js';
import { openDaemonState } from './openDaemonState.js';

export const openDeviceSide: OpenDeviceSide = async ({ dataDir, device, verifier, logger, clock }) => {
  const state = await openDaemonState({ dataDir, device, logger, now: clock });
  const control: DeviceControlApi = state.device;
  return {
    authenticator: state.createAuthenticator(verifier),
    pairings: state.pairings,
    audit: state.audit,
    device: control,
    close: () => state.close(),
  };
};
