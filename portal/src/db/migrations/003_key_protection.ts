import type { Migration } from './Migration.js';

/**
 * Key protection (issue 10): where each device's keys live — `tpm` (attested: EK certificate
 * verified to a trusted manufacturer, AK activated against it) or `software` — with the TPM's
 * manufacturer and model and the AK's public key; each credential's own protection (a `tpm`
 * attestation certified by that AK, or `software`); the organisation's `hardware-keys` policy;
 * and pending AK activations (only a hash of the secret, bound to EK and AK, for minutes).
 */
export const migration003KeyProtection: Migration = {
  version: 3,
  name: 'key_protection',
  sql: `
ALTER TABLE devices ADD COLUMN key_protection TEXT NOT NULL DEFAULT 'software';
ALTER TABLE devices ADD COLUMN tpm_manufacturer TEXT;
ALTER TABLE devices ADD COLUMN tpm_model TEXT;
ALTER TABLE devices ADD COLUMN ak_public_jwk TEXT;
ALTER TABLE credentials ADD COLUMN key_protection TEXT NOT NULL DEFAULT 'software';
ALTER TABLE organisations ADD COLUMN hardware_keys TEXT NOT NULL DEFAULT 'off';

CREATE TABLE tpm_activations (
  secret_hash TEXT PRIMARY KEY,
  binding TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
`,
};
