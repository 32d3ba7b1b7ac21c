/** The daemon's device side, as the channel side (server/, protect/, control/, CLI) uses it. */

export { MemoryAuditLog } from '../audit/FileAuditLog.js';
export { DeviceControl, type EnrollOptions } from '../device/DeviceControl.js';
export type { DeviceProfile, DeviceProfileSource } from '../device/deviceProfile.js';
export { MemoryKeyStore } from '../keys/MemoryKeyStore.js';
export type { AuthenticatorDeps } from './AuthenticatorDeps.js';
export { createAuthenticator } from './createAuthenticator.js';
export { type DaemonState, type DaemonStateOptions, openDaemonState } from './openDaemonState.js';
export type * from './types.js';
