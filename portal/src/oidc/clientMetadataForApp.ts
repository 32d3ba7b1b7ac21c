import type { ClientMetadata } from 'oidc-provider';
import { findAppByClientId, findClientSecretHash } from '../apps/findApp.js';
import type { SqlRunner } from '../db/PortalDb.js';

/**
 * The OpenID Connect client metadata of the app with this `client_id`, or undefined. Every app
 * gets the same profile: authorization code only, ES256 ID tokens, `client_secret_basic` for a
 * confidential app, `none` (public, PKCE-only) otherwise. `client_secret` carries the stored
 * SHA-256 hash, never the secret; `compareHashedClientSecret` compares against it. An app with a
 * back-channel logout URI requires `sid` (its ID tokens carry one, and so do its logout tokens).
 */
export async function clientMetadataForApp(db: SqlRunner, clientId: string): Promise<ClientMetadata | undefined> {
  const app = await findAppByClientId(db, clientId);
  if (!app) return undefined;
  const secretHash = await findClientSecretHash(db, clientId);
  return {
    client_id: app.clientId,
    client_name: app.name,
    application_type: 'web',
    redirect_uris: app.redirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    id_token_signed_response_alg: 'ES256',
    ...(app.backchannelLogoutUri
      ? { backchannel_logout_uri: app.backchannelLogoutUri, backchannel_logout_session_required: true }
      : {}),
    ...(secretHash === undefined
      ? { token_endpoint_auth_method: 'none' }
      : { token_endpoint_auth_method: 'client_secret_basic', client_secret: secretHash }),
  };
}
