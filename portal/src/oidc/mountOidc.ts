/**
 * Mounts the portal's OpenID Provider on the portal's express app: discovery and every `/oidc/`
 * endpoint go to oidc-provider, `/oidc/interaction/:uid` to the portal's own sign-in checks.
 *
 * Call it BEFORE the portal's body parsers and CSRF middleware: the token endpoint is called by
 * apps (server to server), not by the portal's forms, and oidc-provider parses its own bodies.
 */
import type { Express, NextFunction, Request, Response } from 'express';
import type Provider from 'oidc-provider';
import { securityHeaders } from '../http/securityHeaders.js';
import type { PortalContext } from '../PortalContext.js';
import { createOidcProvider } from './createOidcProvider.js';
import { handleInteraction, handleInteractionAbort } from './handleInteraction.js';
import { defaultOidcHooks, type OidcHooks } from './OidcHooks.js';
import { INTERACTION_PREFIX, isProviderPath } from './oidcRoutes.js';

export interface MountedOidc {
  provider: Provider;
}

/**
 * `ctx.config.issuer` is the issuer (the portal's origin). `hooks` defaults to the core's
 * session, sign-in and untrusted-page functions. Reads (or creates) the provider's keys in the database.
 */
export async function mountOidc(
  app: Express,
  ctx: PortalContext,
  hooks: Partial<OidcHooks> = {},
): Promise<MountedOidc> {
  const provider = await createOidcProvider({
    db: ctx.db,
    issuer: ctx.config.issuer,
    logger: ctx.logger,
    clock: ctx.clock,
  });
  const allHooks: OidcHooks = { ...defaultOidcHooks(ctx), ...hooks };
  const callback = provider.callback();

  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!isProviderPath(req.path)) {
      next();
      return;
    }
    callback(req, res);
  });

  const wrap =
    (handler: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
      handler(req, res).catch((err: unknown) => {
        ctx.logger.error({ event: 'oidc.interaction_error', code: 'ERR_INTERNAL', err }, 'OIDC interaction failed');
        next(err);
      });
    };
  // The interaction pages are portal pages: same CSP and anti-framing headers as the others.
  app.get(`${INTERACTION_PREFIX}:uid`, securityHeaders, wrap(handleInteraction(ctx, provider, allHooks)));
  app.get(`${INTERACTION_PREFIX}:uid/abort`, securityHeaders, wrap(handleInteractionAbort(ctx, provider)));
  return { provider };
}
