/**
 * Response headers for the portal's own pages and API. The CSP allows only the portal's own
 * scripts and styles (no inline code), and no framing (clickjacking). oidc-provider's endpoints
 * keep their own headers (its form_post response needs an inline script).
 */
import type { NextFunction, Request, Response } from 'express';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
  next();
}
