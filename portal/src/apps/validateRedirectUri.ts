import { PortalError } from '../../../shared/errors.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const MAX_URI_LENGTH = 2000;

/**
 * Checks an SSO app's redirect URI (or start URL) and returns it normalised. HTTPS anywhere;
 * plain HTTP only on loopback, where dev and the demo app run (a code sent over HTTP elsewhere
 * could be read on the way). No fragments (RFC 6749 §3.1.2), no user info.
 */
export function validateRedirectUri(raw: string, label = 'Redirect URI'): string {
  if (raw.length > MAX_URI_LENGTH)
    throw new PortalError('ERR_BAD_REQUEST', `${label} is longer than ${MAX_URI_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PortalError('ERR_BAD_REQUEST', `${label} "${raw}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PortalError(
      'ERR_BAD_REQUEST',
      `${label} "${raw}" uses ${url.protocol}, expected https: (or http: on localhost)`,
    );
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new PortalError(
      'ERR_BAD_REQUEST',
      `${label} "${raw}" uses http: on ${url.hostname}, expected https: (http: is for localhost only)`,
    );
  }
  if (url.hash) throw new PortalError('ERR_BAD_REQUEST', `${label} "${raw}" has a fragment, expected none`);
  if (url.username || url.password)
    throw new PortalError('ERR_BAD_REQUEST', `${label} "${raw}" carries user info, expected none`);
  return url.href;
}
