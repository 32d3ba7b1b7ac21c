import { PortalError } from '../../../shared/errors.js';
import type { SqlRunner } from '../db/PortalDb.js';
import { hashToken, randomId, randomToken } from '../security/tokens.js';
import type { App } from './App.js';
import { findAppByClientId, findAppByName } from './findApp.js';
import { validateRedirectUri } from './validateRedirectUri.js';

const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u;

/**
 * Registers an SSO app as an OpenID Connect client of the portal. A confidential app gets a
 * client secret, returned here once and stored only as a hash; a public app (`public: true`) has
 * none and relies on PKCE. `launchUrl` defaults to the first redirect URI's origin.
 * Throws PortalError ERR_BAD_REQUEST (bad name or URI) or ERR_CONFLICT (name taken).
 */
export async function addApp(
  db: SqlRunner,
  input: {
    orgId: string;
    name: string;
    redirectUris: string[];
    protected?: boolean;
    public?: boolean;
    launchUrl?: string;
    /** OIDC Back-Channel Logout endpoint (https, or http on localhost). */
    backchannelLogoutUri?: string;
    now?: number;
  },
): Promise<{ app: App; clientSecret?: string }> {
  const name = input.name.trim();
  if (!NAME_PATTERN.test(name)) {
    throw new PortalError(
      'ERR_BAD_REQUEST',
      `App name "${input.name}" is not valid, expected 1–64 letters, digits, spaces, ".", "_" or "-"`,
    );
  }
  if (input.redirectUris.length === 0)
    throw new PortalError('ERR_BAD_REQUEST', 'An app needs at least one redirect URI');
  const redirectUris = input.redirectUris.map((u) => validateRedirectUri(u));
  const launchUrl = validateRedirectUri(
    input.launchUrl ?? `${new URL(redirectUris[0] as string).origin}/`,
    'Launch URL',
  );
  const backchannelLogoutUri =
    input.backchannelLogoutUri === undefined
      ? null
      : validateRedirectUri(input.backchannelLogoutUri, 'Back-channel logout URI');
  if (await findAppByName(db, input.orgId, name))
    throw new PortalError('ERR_CONFLICT', `An app named "${name}" already exists`);

  const clientSecret = input.public ? undefined : randomToken(32);
  const id = randomId('app');
  const clientId = randomId('kbc');
  await db.run(
    `INSERT INTO apps (id, org_id, name, client_id, client_secret_hash, redirect_uris, launch_url, protected, backchannel_logout_uri, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      id,
      input.orgId,
      name,
      clientId,
      clientSecret === undefined ? null : hashToken(clientSecret),
      JSON.stringify(redirectUris),
      launchUrl,
      input.protected ? 1 : 0,
      backchannelLogoutUri,
      input.now ?? Date.now(),
    ],
  );
  const app = (await findAppByClientId(db, clientId)) as App;
  return clientSecret === undefined ? { app } : { app, clientSecret };
}
