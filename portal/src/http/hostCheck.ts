/**
 * Canonical host enforcement: the portal answers only on its canonical origin's host, so cookies,
 * CSRF tokens and WebAuthn origins always agree (and DNS-rebinding hosts get nothing). A GET or
 * HEAD on another host is redirected to the canonical origin; anything else is refused.
 */
import type { NextFunction, Request, Response } from 'express';
import type { PortalConfig } from '../PortalContext.js';

export type HostCheck = { ok: true } | { ok: false; redirect: boolean };

/** Pure check of a Host header against the canonical host (case-insensitive). */
export function checkHost(host: string | undefined, method: string, config: PortalConfig): HostCheck {
  if (host && host.toLowerCase() === config.host.toLowerCase()) return { ok: true };
  return { ok: false, redirect: method === 'GET' || method === 'HEAD' };
}

/** Paths called by devices and tools rather than browsers; they carry no cookies. */
const NON_BROWSER_PATHS = new Set(['/api/devices/enroll', '/healthz']);

export function hostCheck(config: PortalConfig) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const result = NON_BROWSER_PATHS.has(req.path)
      ? { ok: true as const }
      : checkHost(req.headers.host, req.method, config);
    if (result.ok) {
      next();
      return;
    }
    if (result.redirect) {
      res.redirect(308, `${config.origin}${req.originalUrl.startsWith('/') ? req.originalUrl : '/'}`);
      return;
    }
    res.status(421).json({
      error: {
        code: 'ERR_BAD_REQUEST',
        message: `Unexpected host "${req.headers.host ?? ''}", expected "${config.host}"`,
      },
    });
  };
}
