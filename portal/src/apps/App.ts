/** An SSO app as the portal, the admin CLI and the OpenID Provider see it. */

export interface App {
  id: string;
  orgId: string;
  name: string;
  /** The OpenID Connect `client_id`. */
  clientId: string;
  /** False for a public client (no secret; PKCE is its only proof). */
  confidential: boolean;
  redirectUris: string[];
  /** Where the portal's app tile sends the user to start signing in (the app's start URL). */
  launchUrl: string;
  /** Only sessions from trusted devices may open it when the organisation has Device Trust on. */
  protected: boolean;
  /** Where the app takes OIDC Back-Channel Logout tokens, or null (no back-channel logout). */
  backchannelLogoutUri: string | null;
  createdAt: number;
}

/** The row as stored (see migration 100). */
export interface AppRow {
  id: string;
  org_id: string;
  name: string;
  client_id: string;
  client_secret_hash: string | null;
  redirect_uris: string;
  launch_url: string;
  protected: number;
  backchannel_logout_uri: string | null;
  created_at: number;
}

/** Maps a stored row to an {@link App}; the secret hash never leaves the apps folder this way. */
export function toApp(row: AppRow): App {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    clientId: row.client_id,
    confidential: row.client_secret_hash !== null,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    launchUrl: row.launch_url,
    protected: row.protected === 1,
    backchannelLogoutUri: row.backchannel_logout_uri ?? null,
    createdAt: row.created_at,
  };
}
