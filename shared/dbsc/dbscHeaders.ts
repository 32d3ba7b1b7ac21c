/**
 * The DBSC HTTP headers (W3C webappsec-dbsc, "DBSC Formats"), named exactly as the spec names them,
 * with their Structured Field (RFC 9651) forms. Parsing never throws: a malformed header yields
 * nothing, as the spec's "get a structured field value" returns null.
 */
import {
  type InnerList,
  type Item,
  parseItem,
  parseList,
  serializeItem,
  serializeList,
  Token,
} from 'structured-headers';

export const SECURE_SESSION_REGISTRATION = 'Secure-Session-Registration';
export const SECURE_SESSION_CHALLENGE = 'Secure-Session-Challenge';
export const SECURE_SESSION_RESPONSE = 'Secure-Session-Response';
export const SEC_SECURE_SESSION_ID = 'Sec-Secure-Session-Id';
export const SECURE_SESSION_SKIPPED = 'Secure-Session-Skipped';
/**
 * COMPAT(extension-fetch): scripts, an extension's service worker included, cannot send `Sec-`
 * request headers (fetch strips them as forbidden), so the Keybound extension sends the session id
 * in this header instead, with the same sf-string value. Like `Sec-`, a non-safelisted header
 * cannot come from another site without a CORS preflight, which the refresh endpoint never allows.
 */
export const KEYBOUND_SESSION_ID = 'Keybound-Session-Id';

/** One entry of a Secure-Session-Registration header. */
export interface RegistrationEntry {
  algorithms: string[];
  path: string;
  challenge?: string;
  authorization?: string;
}

/** `(ES256);path="/dbsc/register";challenge="…";authorization="…"` */
export function formatRegistrationHeader(entry: RegistrationEntry): string {
  const params = new Map<string, string>([['path', entry.path]]);
  if (entry.challenge !== undefined) params.set('challenge', entry.challenge);
  if (entry.authorization !== undefined) params.set('authorization', entry.authorization);
  const inner: InnerList = [entry.algorithms.map((a): Item => [new Token(a), new Map()]), params];
  return serializeList([inner]);
}

/** The usable entries of a Secure-Session-Registration header (spec: "process a session registration"). */
export function parseRegistrationHeader(value: string | null | undefined): RegistrationEntry[] {
  if (!value) return [];
  let list: ReturnType<typeof parseList>;
  try {
    list = parseList(value);
  } catch {
    return [];
  }
  const out: RegistrationEntry[] = [];
  for (const [entry, params] of list) {
    if (!Array.isArray(entry)) continue; // must be an inner list of algorithm tokens
    const path = params.get('path');
    const challenge = params.get('challenge');
    const authorization = params.get('authorization');
    if (typeof path !== 'string') continue;
    if (challenge !== undefined && typeof challenge !== 'string') continue;
    if (authorization !== undefined && typeof authorization !== 'string') continue;
    const algorithms = entry.map(([alg]) => (alg instanceof Token ? alg.toString() : '')).filter(Boolean);
    out.push({
      algorithms,
      path,
      ...(challenge !== undefined ? { challenge } : {}),
      ...(authorization !== undefined ? { authorization } : {}),
    });
  }
  return out;
}

/** `"challenge";id="session id"` */
export function formatChallengeHeader(challenge: string, sessionId: string): string {
  return serializeList([[challenge, new Map([['id', sessionId]])]]);
}

/** Challenges by session id from a Secure-Session-Challenge header (spec: "cache challenge"). */
export function parseChallengeHeader(value: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!value) return out;
  try {
    for (const [challenge, params] of parseList(value)) {
      const id = params.get('id');
      if (typeof challenge === 'string' && typeof id === 'string') out.set(id, challenge);
    }
  } catch {
    return new Map();
  }
  return out;
}

/** An sf-string header value (Secure-Session-Response, Sec-Secure-Session-Id); parameters ignored. */
export function formatSfString(value: string): string {
  return serializeItem([value, new Map()]);
}

export function parseSfString(value: string | null | undefined, maxLength: number): string | undefined {
  if (!value || value.length > maxLength + 64) return undefined;
  try {
    const [item] = parseItem(value);
    return typeof item === 'string' && item.length <= maxLength ? item : undefined;
  } catch {
    return undefined;
  }
}
