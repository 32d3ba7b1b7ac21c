import type { Migration } from './Migration.js';

/**
 * Revocation that reaches every app (issue 11, decision 0071). Numbered after the OIDC tables it
 * changes (a core number would run before `apps` exists on a fresh store).
 * - apps: where an app takes OIDC Back-Channel Logout tokens.
 * - oidc_grant_facts: which client, device and credential a grant came from, and the `sid` its ID
 *   token carries, so a revoked device's grants can be found and named in a logout token.
 * - ssf_receivers: optionally tied to one app (its SETs then name that app's `sid`).
 * - revocation_outbox: a notice that gave up after its bounded retries is kept, marked failed.
 */
export const migration102Revocation: Migration = {
  version: 102,
  name: 'revocation',
  sql: `
ALTER TABLE apps ADD COLUMN backchannel_logout_uri TEXT;
ALTER TABLE oidc_grant_facts ADD COLUMN client_id TEXT;
ALTER TABLE oidc_grant_facts ADD COLUMN device_id TEXT;
ALTER TABLE oidc_grant_facts ADD COLUMN credential_id TEXT;
ALTER TABLE oidc_grant_facts ADD COLUMN sid TEXT;
CREATE INDEX oidc_grant_facts_device ON oidc_grant_facts(device_id);
CREATE INDEX oidc_grant_facts_credential ON oidc_grant_facts(credential_id);
ALTER TABLE ssf_receivers ADD COLUMN app_id TEXT;
ALTER TABLE revocation_outbox ADD COLUMN failed_at INTEGER;
`,
};
