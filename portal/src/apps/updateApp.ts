import { PortalError } from '../../../shared/errors.js';
import type { SqlRunner } from '../db/PortalDb.js';
import { hashToken, randomToken } from '../security/tokens.js';
import type { App } from './App.js';
import { findAppByClientId } from './findApp.js';
import { validateRedirectUri } from './validateRedirectUri.js';

/**
 * Changes an app's redirect URIs, start URL, protection or back-channel logout URI (null removes
 * it), and optionally issues a new client
 * secret (returned once; the old one stops working at once). Used when an app moves (the demo app
 * gets a new port at each start). Throws PortalError ERR_NOT_FOUND or ERR_BAD_REQUEST.
 */
export async function updateApp(
  db: SqlRunner,
  clientId: string,
  changes: {
    redirectUris?: string[];
    launchUrl?: string;
    protected?: boolean;
    backchannelLogoutUri?: string | null;
    rotateSecret?: boolean;
  },
): Promise<{ app: App; clientSecret?: string }> {
  const app = await findAppByClientId(db, clientId);
  if (!app) throw new PortalError('ERR_NOT_FOUND', `No app with client id "${clientId}"`);
  if (changes.redirectUris?.length === 0)
    throw new PortalError('ERR_BAD_REQUEST', 'An app needs at least one redirect URI');
  const redirectUris = changes.redirectUris?.map((u) => validateRedirectUri(u)) ?? app.redirectUris;
  const launchUrl =
    changes.launchUrl === undefined ? app.launchUrl : validateRedirectUri(changes.launchUrl, 'Launch URL');
  const backchannelLogoutUri =
    changes.backchannelLogoutUri === undefined
      ? app.backchannelLogoutUri
      : changes.backchannelLogoutUri === null
        ? null
        : validateRedirectUri(changes.backchannelLogoutUri, 'Back-channel logout URI');
  const clientSecret = changes.rotateSecret && app.confidential ? randomToken(32) : undefined;
  await db.run(
    `UPDATE apps SET redirect_uris = ?, launch_url = ?, protected = ?, backchannel_logout_uri = ?,
       client_secret_hash = COALESCE(?, client_secret_hash) WHERE client_id = ?`,
    [
      JSON.stringify(redirectUris),
      launchUrl,
      (changes.protected ?? app.protected) ? 1 : 0,
      backchannelLogoutUri,
      clientSecret === undefined ? null : hashToken(clientSecret),
      clientId,
    ],
  );
  const updated = (await findAppByClientId(db, clientId)) as App;
  return clientSecret === undefined ? { app: updated } : { app: updated, clientSecret };
}
