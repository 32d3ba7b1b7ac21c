/** Minimal cookie handling (no cookie-parser dependency): parse the header, format Set-Cookie. */
import type { Request, Response } from 'express';
import type { PortalConfig } from '../PortalContext.js';

export const SESSION_COOKIE = 'kb_session';

/** Parses a Cookie header; malformed pairs are skipped, the first value of a name wins. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header || header.length > 8192) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

/** The raw session id from the request's cookie, if it looks like one (43 base64url chars). */
export function readSessionCookie(req: Request): string | undefined {
  const value = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Path=/, Secure on https origins. */
export function setSessionCookie(res: Response, config: PortalConfig, id: string, expiresAt: number): void {
  const attrs = [
    `${SESSION_COOKIE}=${id}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Expires=${new Date(expiresAt).toUTCString()}`,
  ];
  if (config.secureCookies) attrs.push('Secure');
  res.append('Set-Cookie', attrs.join('; '));
}

export function clearSessionCookie(res: Response, config: PortalConfig): void {
  const attrs = [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0'];
  if (config.secureCookies) attrs.push('Secure');
  res.append('Set-Cookie', attrs.join('; '));
}

/** The device-bound session cookie (DBSC): short-lived, renewed only by a proof from the device's key. */
export const BOUND_COOKIE = 'kb_bound';

/** The attributes the DBSC session instructions announce for the bound cookie (no Max-Age). */
export function boundCookieAttributes(config: PortalConfig): string {
  return ['Path=/', 'HttpOnly', 'SameSite=Lax', ...(config.secureCookies ? ['Secure'] : [])].join('; ');
}

export function readBoundCookie(req: Request): string | undefined {
  const value = parseCookies(req.headers.cookie).get(BOUND_COOKIE);
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

export function setBoundCookie(res: Response, config: PortalConfig, value: string, maxAgeSeconds: number): void {
  res.append('Set-Cookie', `${BOUND_COOKIE}=${value}; ${boundCookieAttributes(config)}; Max-Age=${maxAgeSeconds}`);
}

export function clearBoundCookie(res: Response, config: PortalConfig): void {
  res.append('Set-Cookie', `${BOUND_COOKIE}=; ${boundCookieAttributes(config)}; Max-Age=0`);
}
