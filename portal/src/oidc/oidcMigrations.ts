import { migration100Apps } from '../db/migrations/100_apps.js';
import { migration101Oidc } from '../db/migrations/101_oidc.js';
import { migration102Revocation } from '../db/migrations/102_revocation.js';
import type { Migration } from '../db/migrations/Migration.js';

/** The SSO-apps part's migrations (100+), passed to `openDatabase(file, { extraMigrations })`. */
export const oidcMigrations: readonly Migration[] = [migration100Apps, migration101Oidc, migration102Revocation];
