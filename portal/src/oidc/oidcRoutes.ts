/**
 * Where the OpenID Provider lives inside the portal. The issuer is the portal's origin, so
 * discovery sits at `/.well-known/openid-configuration` and every endpoint under `/oidc/`, out of
 * the way of the portal's own pages.
 */

export const OIDC_ROUTES = {
  authorization: '/oidc/auth',
  token: '/oidc/token',
  jwks: '/oidc/jwks',
  userinfo: '/oidc/me',
  revocation: '/oidc/token/revocation',
  introspection: '/oidc/token/introspection',
  end_session: '/oidc/session/end',
  registration: '/oidc/reg',
  code_verification: '/oidc/device',
  device_authorization: '/oidc/device/auth',
  pushed_authorization_request: '/oidc/request',
  backchannel_authentication: '/oidc/backchannel',
  challenge: '/oidc/challenge',
  credential: '/oidc/credential',
} as const;

/** Where oidc-provider sends the browser when it needs the portal to sign the user in. */
export const INTERACTION_PREFIX = '/oidc/interaction/';

export function interactionPath(uid: string): string {
  return `${INTERACTION_PREFIX}${encodeURIComponent(uid)}`;
}

/** True for requests oidc-provider handles itself (everything OIDC but the interaction pages). */
export function isProviderPath(path: string): boolean {
  if (path === '/.well-known/openid-configuration') return true;
  return path.startsWith('/oidc/') && !path.startsWith(INTERACTION_PREFIX);
}
