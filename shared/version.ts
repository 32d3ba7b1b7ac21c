/** The product version, shown by `keybound --version` and sent in the protocol's hello. */
export const KEYBOUND_VERSION = '0.1.0';
