/**
 * The OpenID provider's cookies (`kb_oidc_*`, written by the `cookies` library) carry only an
 * absolute `Expires` computed on the portal's clock. A browser compares it with its own clock, so
 * a portal clock 10 minutes slow made the 10-minute interaction cookie arrive already expired and
 * every SSO sign-in ended at "Sign-in request expired" (found by the fault suite's clock jump,
 * decision 0054). Adding `Max-Age` — relative, and preferred over `Expires` by browsers (RFC 6265
 * §5.3 step 3) — makes the lifetime independent of either clock. Both values come from the same
 * Date.now() here, as in the `cookies` library.
 */
import type { NextFunction, Request, Response } from 'express';

const PREFIX = 'kb_oidc_';

/** `header` with `Max-Age` added when it is one of the provider's cookies with only `Expires`. */
export function withMaxAge(header: string, now: number): string {
  if (!header.startsWith(PREFIX) || /;\s*max-age=/i.test(header)) return header;
  const expires = /;\s*expires=([^;]+)/i.exec(header)?.[1];
  const at = expires ? Date.parse(expires) : Number.NaN;
  if (Number.isNaN(at)) return header;
  return `${header}; Max-Age=${Math.max(0, Math.floor((at - now) / 1000))}`;
}

export function cookieMaxAge(_req: Request, res: Response, next: NextFunction): void {
  const writeHead = res.writeHead;
  // Node writes the headers through writeHead, also implicitly on the first write or end().
  res.writeHead = function (this: Response, ...args: unknown[]) {
    const cookies = res.getHeader('set-cookie');
    if (Array.isArray(cookies)) {
      const now = Date.now();
      res.setHeader(
        'set-cookie',
        cookies.map((c) => withMaxAge(String(c), now)),
      );
    }
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as Response['writeHead'];
  next();
}
