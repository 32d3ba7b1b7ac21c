/**
 * The content script's check of a page request: the envelope only, no schema library. The page
 * is untrusted; this check decides only whether the request is worth relaying to the worker,
 * which then runs the full strict `pageRequest` schema (shared/protocol/pageApi.ts) before any
 * handler (docs/decisions/0034-…). Order: size → `keybound` → `type` → `payload`.
 *
 * Imports nothing that pulls zod or webextension-polyfill into the content bundle: the page API
 * names below are checked against the schema's types at compile time and by a unit test.
 */
import type { WireError } from '../../../shared/errors.js';
import type { PageRequestType, PAGE_API_VERSION as SchemaPageApiVersion } from '../../../shared/protocol/pageApi.js';
import { MAX_MESSAGE_BYTES } from '../../../shared/protocol/version.js';
import { structuredMessageBytes } from '../messaging/structuredMessageBytes.js';

/** The page API's request types (pageRequest's discriminator values). */
export const PAGE_REQUEST_TYPES = ['status', 'register', 'signIn'] as const satisfies readonly PageRequestType[];
// Compile-time: every schema type is listed (a new page request type must be added here too).
const _allListed: Exclude<PageRequestType, (typeof PAGE_REQUEST_TYPES)[number]> extends never ? true : never = true;
void _allListed;

/** `{ keybound: 'ready', version }`: what the content script announces (pageReady in pageApi.ts). */
export const PAGE_API_VERSION: typeof SchemaPageApiVersion = 1;

/** A page request that passed the envelope check; its payload is still unparsed page data. */
export interface UntrustedPageRequest {
  keybound: 'request';
  type: PageRequestType;
  payload: Record<string, unknown>;
}

export type EnvelopeResult = { ok: true; request: UntrustedPageRequest } | { ok: false; error: WireError };

const invalid = (message: string): EnvelopeResult => ({ ok: false, error: { code: 'ERR_INVALID_MESSAGE', message } });

/** A plain object (`{…}` after structured clone), not an array, null or a class instance. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks a message that already claims `keybound: 'request'`. Unknown keys and every field of
 * the payload are left to the worker's strict schema; the caller relays `request` unchanged.
 */
export function checkPageEnvelope(raw: Record<string, unknown>): EnvelopeResult {
  const bytes = structuredMessageBytes(raw);
  if (bytes === undefined || bytes > MAX_MESSAGE_BYTES) {
    return {
      ok: false,
      error: {
        code: bytes === undefined ? 'ERR_MALFORMED_JSON' : 'ERR_MESSAGE_TOO_LARGE',
        message: `A Keybound request must be JSON of at most ${MAX_MESSAGE_BYTES} bytes`,
      },
    };
  }
  if (raw.keybound !== 'request') return invalid('Invalid request at keybound: expected "request"');
  const type = raw.type;
  if (typeof type !== 'string' || !(PAGE_REQUEST_TYPES as readonly string[]).includes(type)) {
    return invalid(`Invalid request at type: expected one of ${PAGE_REQUEST_TYPES.join(', ')}`);
  }
  if (!isPlainObject(raw.payload)) return invalid('Invalid request at payload: expected an object');
  return { ok: true, request: raw as unknown as UntrustedPageRequest };
}
