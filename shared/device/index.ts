export {
  createDeviceStatement,
  type DeviceStatementResult,
  decodeDeviceStatementKid,
  verifyDeviceStatement,
} from './deviceStatement.js';
export * from './deviceStatementSchema.js';
