/**
 * The JSON API under /api: bodies capped at 64 KiB, JSON only, parsed by express.json (errors
 * become ERR_PAYLOAD_TOO_LARGE / ERR_BAD_REQUEST in the error handler), then a strict schema in
 * each handler. CSRF is checked by the routers that browsers call (webauthn).
 */
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { PortalError } from '../../../shared/errors.js';
import { getSignedIn } from '../auth/sessionMiddleware.js';
import type { PortalContext } from '../PortalContext.js';
import { sessionKeyProtection } from '../store/keyProtection.js';
import { deviceEnrollRoutes } from './deviceEnrollRoutes.js';
import { webauthnRoutes } from './webauthnRoutes.js';

export const MAX_JSON_BYTES = 64 * 1024;

function jsonOnly(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'POST' && !req.is('application/json')) {
    next(new PortalError('ERR_BAD_REQUEST', 'Send JSON with Content-Type: application/json.'));
    return;
  }
  next();
}

export function apiRoutes(ctx: PortalContext): Router {
  const router = Router();
  router.use(jsonOnly, express.json({ limit: MAX_JSON_BYTES, strict: true, type: 'application/json' }));

  /** Who is signed in, how, and whether the session is trusted now (for pages and tests). */
  router.get('/session', async (req, res) => {
    const signedIn = await getSignedIn(ctx, req);
    res.set('Cache-Control', 'no-store');
    if (!signedIn) {
      res.json({ signedIn: false });
      return;
    }
    res.json({
      signedIn: true,
      email: signedIn.user.email,
      method: signedIn.session.method,
      deviceId: signedIn.session.deviceId,
      trusted: signedIn.trust.trusted,
      trustReason: signedIn.trust.reason,
      deviceTrustRequired: signedIn.trust.required,
      keyProtection: await sessionKeyProtection(ctx.db, signedIn.session),
    });
  });

  router.use('/webauthn', webauthnRoutes(ctx));
  router.use('/devices', deviceEnrollRoutes(ctx));
  router.use((_req, _res, next) => next(new PortalError('ERR_NOT_FOUND', 'No such API endpoint.')));
  return router;
}
