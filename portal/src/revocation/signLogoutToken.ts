/**
 * An OIDC Back-Channel Logout 1.0 Logout Token, built and signed by oidc-provider itself — the
 * same steps as its `Client#backchannelLogout` (an IdToken masked to `sub`, the back-channel
 * logout event, `jti`, `sid` when the app requires it; `typ: logout+jwt`, two minutes of life) —
 * but sent by the portal's outbox, so that a delivery survives a down app and a portal restart.
 */
import type Provider from 'oidc-provider';
import type { BackchannelLogoutNotice } from './notices.js';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Undefined when the app no longer exists (nothing to tell). */
export async function signLogoutToken(
  provider: Provider,
  payload: BackchannelLogoutNotice['payload'],
): Promise<string | undefined> {
  const client = await provider.Client.find(payload.clientId);
  if (!client) return undefined;
  const token = new provider.IdToken({ sub: payload.sub }, { client });
  // oidc-provider's own logout token carries only `sub` of the account's claims.
  (token as unknown as { mask: Record<string, null> }).mask = { sub: null };
  token.set('events', { [BACKCHANNEL_LOGOUT_EVENT]: {} });
  token.set('jti', payload.jti);
  if (payload.sid) token.set('sid', payload.sid);
  return token.issue({ use: 'logout' });
}
