import { AuthenticatorError } from '../errors.js';

/** Hosts where plain http is a secure context (and so may use WebAuthn). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * The effective RP ID for a ceremony started from `origin` (WebAuthn §5.1.3 step 8, §5.1.4):
 * `rpId` defaults to the origin's host; a given `rpId` must equal the host or be a registrable
 * suffix of it on a label boundary. The origin must be https, or http on a loopback host. An IP
 * address is only valid as the exact host. Throws `AuthenticatorError('ERR_RP_ID_MISMATCH')`
 * whose message names the RP ID and the origin.
 *
 * Limitation: without the Public Suffix List we only refuse single-label suffixes (e.g. "com");
 * a multi-label public suffix ("co.uk") is not detected here.
 */
export function resolveRpId(origin: string, rpId?: string): string {
  const host = originHost(origin);
  const candidate = rpId === undefined ? host : rpId.toLowerCase();
  const refuse = (why: string): never => {
    throw new AuthenticatorError(
      'ERR_RP_ID_MISMATCH',
      `RP ID "${candidate}" is not valid for origin "${origin}": ${why}, expected "${host}" or a registrable suffix of it`,
    );
  };
  if (candidate === host) return candidate;
  if (isIpAddress(host) || isIpAddress(candidate)) return refuse('an IP address must equal the host');
  if (candidate.length === 0 || candidate.startsWith('.') || candidate.endsWith('.')) return refuse('not a host name');
  if (!host.endsWith(`.${candidate}`)) return refuse('not the host or a parent domain of it');
  if (!candidate.includes('.')) return refuse('a single-label domain cannot be a parent RP ID');
  return candidate;
}

/** The lowercase host of a secure origin; refuses other schemes with ERR_RP_ID_MISMATCH. */
function originHost(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new AuthenticatorError('ERR_RP_ID_MISMATCH', `Origin "${origin}" is not a valid origin`);
  }
  const host = url.hostname.toLowerCase();
  if (url.protocol === 'https:') return host;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(host)) return host;
  throw new AuthenticatorError(
    'ERR_RP_ID_MISMATCH',
    `Origin "${origin}" is not a secure context: expected https, or http on localhost, 127.0.0.1 or [::1]`,
  );
}

function isIpAddress(host: string): boolean {
  return IPV4.test(host) || host.startsWith('[') || host.includes(':');
}
