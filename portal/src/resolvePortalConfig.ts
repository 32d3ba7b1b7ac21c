/**
 * The canonical origin and RP ID. Default: `http://localhost:<port>` and RP ID `localhost` (a
 * valid WebAuthn RP ID, unlike 127.0.0.1), although the server listens on 127.0.0.1. With
 * `--issuer https://portal.example.com` the issuer's origin is canonical (behind a proxy).
 */
import type { PortalConfig } from './PortalContext.js';

export function resolvePortalConfig(input: {
  port: number;
  issuer?: string;
  rpId?: string;
  rpName?: string;
}): PortalConfig {
  let origin = `http://localhost:${input.port}`;
  if (input.issuer) {
    let url: URL;
    try {
      url = new URL(input.issuer);
    } catch {
      throw new TypeError(`--issuer must be a URL, got "${input.issuer}"`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('--issuer must be http(s)');
    origin = url.origin;
  }
  const url = new URL(origin);
  const rpId = input.rpId ?? url.hostname;
  // WebAuthn: the RP ID must be the origin's host or a registrable suffix of it.
  if (url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`)) {
    throw new TypeError(`RP ID "${rpId}" does not match the portal host "${url.hostname}"`);
  }
  return {
    origin,
    host: url.host,
    rpId,
    rpName: input.rpName ?? 'Keybound User Portal',
    issuer: input.issuer ? input.issuer.replace(/\/$/, '') : origin,
    secureCookies: url.protocol === 'https:',
  };
}
