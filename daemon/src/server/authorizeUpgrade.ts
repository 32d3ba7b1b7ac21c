/**
 * Decides a WebSocket upgrade before any WebSocket exists (ws `noServer: true`). Pure: the
 * caller writes the refusal status and destroys the socket. Order: path → Host → Origin.
 *
 * Origin is not authentication (any local process can forge it); it only keeps web pages out.
 * Authentication is the pairing handshake that follows on the socket.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorCode } from '../../../shared/errors.js';
import { checkHost, countHeader } from './checkHost.js';

/** The WebSocket path of protocol v1. */
export const WS_PATH = '/v1';

const CHROME_ORIGIN = /^chrome-extension:\/\/([a-p]{32})$/;
const SAFARI_ORIGIN =
  /^safari-web-extension:\/\/([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$/;

export interface UpgradePolicy {
  port: number;
  /** Chrome extension ids allowed by `--allow-extension` and config.json. */
  allowedExtensionIds: ReadonlySet<string>;
}

export type UpgradeDecision =
  | {
      ok: true;
      extensionOrigin: string;
      browser: 'chrome' | 'safari';
      /** True for allow-listed Chrome ids; Safari origins are random per install and may only pair or prove a pairing. */
      allowListed: boolean;
    }
  | { ok: false; status: number; code: ErrorCode; reason: string };

/** Authorises an upgrade request by path, exact Host and extension Origin. */
export function authorizeUpgrade(
  req: { url?: string; headers: IncomingHttpHeaders; rawHeaders?: string[] },
  policy: UpgradePolicy,
): UpgradeDecision {
  const path = (req.url ?? '').split('?')[0];
  if (path !== WS_PATH)
    return { ok: false, status: 404, code: 'ERR_NOT_FOUND', reason: `Unexpected path, expected ${WS_PATH}` };
  const host = checkHost(req, policy.port);
  if (!host.ok) return { ok: false, status: 403, code: 'ERR_BAD_HOST', reason: host.reason };
  if (req.rawHeaders && countHeader(req.rawHeaders, 'origin') > 1) {
    return { ok: false, status: 403, code: 'ERR_BAD_ORIGIN', reason: 'duplicate Origin header' };
  }
  const origin = req.headers.origin;
  // Missing and opaque ("null") origins come from sandboxed frames, files and non-browser clients.
  if (typeof origin !== 'string' || origin === '' || origin === 'null') {
    return { ok: false, status: 403, code: 'ERR_BAD_ORIGIN', reason: 'missing or null Origin' };
  }
  const chrome = CHROME_ORIGIN.exec(origin);
  if (chrome) {
    if (!policy.allowedExtensionIds.has(chrome[1] as string)) {
      return { ok: false, status: 403, code: 'ERR_BAD_ORIGIN', reason: `Extension ${chrome[1]} is not allowed` };
    }
    return { ok: true, extensionOrigin: origin, browser: 'chrome', allowListed: true };
  }
  if (SAFARI_ORIGIN.test(origin)) return { ok: true, extensionOrigin: origin, browser: 'safari', allowListed: false };
  return { ok: false, status: 403, code: 'ERR_BAD_ORIGIN', reason: `Unexpected Origin "${origin.slice(0, 100)}"` };
}
