/**
 * Boundary parsing in the fixed order of STYLE.md: size → JSON.parse in a try → strict schema.
 * Returns a result instead of throwing, so a boundary never throws on bad input.
 */
import type { z } from 'zod';
import type { WireError } from '../errors.js';
import { MAX_MESSAGE_BYTES } from './version.js';

/** Stateless between calls (no `stream` option), so one decoder serves every message. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: WireError; id?: string };

/** Byte length of a message as it arrived (string counts UTF-8 bytes). */
export function messageBytes(raw: string | ArrayBuffer | Uint8Array): number {
  if (typeof raw === 'string') return new TextEncoder().encode(raw).byteLength;
  return raw.byteLength;
}

/** Parses untrusted raw text or bytes against `schema`, capped at `maxBytes`. */
export function parseMessage<S extends z.ZodType>(
  schema: S,
  raw: string | ArrayBuffer | Uint8Array,
  maxBytes: number = MAX_MESSAGE_BYTES,
): ParseResult<z.infer<S>> {
  if (messageBytes(raw) > maxBytes) {
    return { ok: false, error: { code: 'ERR_MESSAGE_TOO_LARGE', message: `Message is larger than ${maxBytes} bytes` } };
  }
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : utf8.decode(raw));
  } catch {
    return { ok: false, error: { code: 'ERR_MALFORMED_JSON', message: 'Message is not valid JSON' } };
  }
  return parseValue(schema, json);
}

/** Validates an already-structured untrusted value (e.g. from runtime messaging). */
export function parseValue<S extends z.ZodType>(schema: S, json: unknown): ParseResult<z.infer<S>> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  const id = extractId(json);
  return {
    ok: false,
    error: { code: 'ERR_INVALID_MESSAGE', message: `Invalid message${where}: ${issue?.message ?? 'schema mismatch'}` },
    ...(id === undefined ? {} : { id }),
  };
}

/** The `id` of an invalid message, if it has a well-formed one, so the error can be correlated. */
function extractId(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const id = (json as { id?: unknown }).id;
  return typeof id === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(id) ? id : undefined;
}
