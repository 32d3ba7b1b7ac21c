export { createDeviceStatement, type DeviceStatementSigner } from './createDeviceStatement.js';
export { decodeDeviceStatementKid } from './decodeDeviceStatementKid.js';
export * from './deviceStatementSchema.js';
export { type DeviceStatementResult, verifyDeviceStatement } from './verifyDeviceStatement.js';
