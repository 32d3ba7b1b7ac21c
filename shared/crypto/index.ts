// Deliberately does not re-export peculiarCrypto: it is Node-only. Import it from './peculiarCrypto.js'.
export { type CryptoProvider, defaultCrypto, nodeCrypto } from './CryptoProvider.js';
export { randomBytes } from './randomBytes.js';
