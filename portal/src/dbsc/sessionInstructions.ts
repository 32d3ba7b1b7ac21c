/** The JSON session instructions the portal returns at registration and refresh (spec format). */
import type { DbscSessionInstructions } from '../../../shared/dbsc/dbscSessionInstructions.js';
import { BOUND_COOKIE, boundCookieAttributes } from '../http/cookies.js';
import type { PortalConfig } from '../PortalContext.js';
import { DBSC_REFRESH_PATH } from './offerBoundSession.js';

export function sessionInstructions(config: PortalConfig, sessionId: string): DbscSessionInstructions {
  return {
    session_identifier: sessionId,
    refresh_url: DBSC_REFRESH_PATH,
    // Origin-scoped: the portal only. Static files need no session.
    scope: {
      origin: config.origin,
      include_site: false,
      scope_specification: [{ type: 'exclude', domain: new URL(config.origin).hostname, path: '/static' }],
    },
    credentials: [{ type: 'cookie', name: BOUND_COOKIE, attributes: boundCookieAttributes(config) }],
    allowed_refresh_initiators: [],
  };
}
