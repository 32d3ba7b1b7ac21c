export * from './common.js';
export * from './device.js';
export * from './messages.js';
export * from './pageApi.js';
export * from './pairingProof.js';
export * from './parseMessage.js';
export * from './version.js';
export * from './webauthnJson.js';
