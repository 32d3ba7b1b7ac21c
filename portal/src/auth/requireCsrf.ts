/**
 * CSRF defence: a synchronizer token stored in the session row, sent back in the `_csrf` form
 * field or the `X-CSRF-Token` header, compared in constant time, checked before any handler of a
 * state-changing route. A request without a session has no valid token.
 */
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { PortalError } from '../../../shared/errors.js';
import type { Session } from '../store/sessions.js';
import { locals } from './sessionMiddleware.js';

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Express middleware; the session must already be loaded (sessionMiddleware). */
export function requireCsrf(req: Request, res: Response, next: NextFunction): void {
  const session = locals(res).session;
  const header = req.get('x-csrf-token');
  const field = (req.body as { _csrf?: unknown } | undefined)?._csrf;
  const sent = typeof header === 'string' ? header : typeof field === 'string' ? field : undefined;
  if (!session || !sent || !sameToken(sent, session.csrfToken)) {
    next(
      new PortalError(
        'ERR_CSRF',
        'The form has expired or did not come from this portal. Reload the page and try again.',
      ),
    );
    return;
  }
  next();
}

/** The session of a request requireCsrf let through (it refuses every request without one). */
export function checkedSession(res: Response): Session {
  const session = locals(res).session;
  if (!session) throw new TypeError('checkedSession() on a route without requireCsrf');
  return session;
}
