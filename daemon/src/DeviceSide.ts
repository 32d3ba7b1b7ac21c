/**
 * The seam between the daemon's channel side (server/, protect/, control/) and its device side:
 * what `startDaemon` needs once the device side is open. `openDeviceSide.ts` opens the real one;
 * tests may open another (an in-memory one, or the real one pretending to be another machine).
 */
import type { Logger } from '../../shared/node/createLogger.js';
import type { FileAuditLog } from './audit/FileAuditLog.js';
import type { AuthenticatorApi } from './authenticator/AuthenticatorApi.js';
import type { DeviceControlApi } from './control/DeviceControlApi.js';
import type { PairingStore } from './pairing/PairingStore.js';
import type { UserVerifier } from './protect/UserVerifier.js';

/** What the device side hands the channel side. */
export interface DeviceSide {
  authenticator: AuthenticatorApi;
  pairings: PairingStore;
  device: DeviceControlApi;
  /** Flushes state; called on shutdown. */
  close(): Promise<void>;
}

export type OpenDeviceSide = (args: {
  dataDir: string;
  device: 'emulator' | 'host';
  verifier: UserVerifier;
  /** The daemon's audit log, open before the device side (Protect records into it meanwhile). */
  audit: FileAuditLog;
  logger: Logger;
  clock: () => Date;
}) => Promise<DeviceSide>;
