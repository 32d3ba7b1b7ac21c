/**
 * Assembles the portal's express app, in this order: canonical-host check → OIDC (its own body
 * parsing, mounted before ours) → static files → session loading → pages and API (each with its
 * own body cap, schema and CSRF check) → 404 → error handler.
 */
import express, { type Express } from 'express';
import { PortalError } from '../../shared/errors.js';
import { sessionMiddleware } from './auth/sessionMiddleware.js';
import { requestSteps, storeFaultsEnabled } from './db/storeFaults.js';
import { dbscRoutes } from './dbsc/dbscRoutes.js';
import { cookieMaxAge } from './http/cookieMaxAge.js';
import { errorHandler } from './http/errorHandler.js';
import { hostCheck } from './http/hostCheck.js';
import { publicDir } from './http/publicDir.js';
import { securityHeaders } from './http/securityHeaders.js';
import { type MountedOidc, mountOidc } from './oidc/mountOidc.js';
import type { PortalContext } from './PortalContext.js';
import { apiRoutes } from './routes/apiRoutes.js';
import { extensionRoutes } from './routes/extensionRoutes.js';
import { homeRoutes } from './routes/homeRoutes.js';
import { signInRoutes } from './routes/signInRoutes.js';

export interface PortalApp {
  app: Express;
  oidc: MountedOidc;
}

/** `extensionDir`: serve a packed extension under /extension/ (see routes/extensionRoutes.ts). */
export async function createPortalApp(ctx: PortalContext, options: { extensionDir?: string } = {}): Promise<PortalApp> {
  const app = express();
  app.disable('x-powered-by');
  // The client's address (hashing budget, throttle key, audit) is the TCP peer, unless the peer is
  // a balancer named with --trust-proxy: then its X-Forwarded-For is believed, and only then.
  try {
    app.set('trust proxy', ctx.config.trustProxy?.length ? [...ctx.config.trustProxy] : false);
  } catch (err) {
    throw new TypeError(`--trust-proxy: ${(err as Error).message}`);
  }
  // Pages and API answers are per-user and `no-store`: an ETag (a SHA-1 of every body) buys nothing.
  app.set('etag', false);
  if (storeFaultsEnabled) app.use(requestSteps);
  app.use(cookieMaxAge);
  app.use(hostCheck(ctx.config));
  app.get('/healthz', (_req, res) => {
    // The portal's clock, for `keybound doctor`'s clock-skew check.
    res.json({ ok: true, time: new Date(ctx.clock()).toISOString() });
  });
  // Extension point for SSO apps: the OpenID Provider and its interaction pages.
  const oidc = await mountOidc(app, ctx);
  if (options.extensionDir) app.use('/extension', extensionRoutes(options.extensionDir));
  app.use('/static', securityHeaders, express.static(publicDir(), { index: false, fallthrough: false, maxAge: '5m' }));
  app.use(securityHeaders, sessionMiddleware(ctx));
  app.use(dbscRoutes(ctx));
  app.use('/api', apiRoutes(ctx));
  app.use(signInRoutes(ctx));
  app.use(homeRoutes(ctx));
  app.use((_req, _res, next) => next(new PortalError('ERR_NOT_FOUND', 'This page does not exist.')));
  app.use(errorHandler(ctx.logger));
  return { app, oidc };
}
