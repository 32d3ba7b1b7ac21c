/** Validates a parsed body against a strict zod schema; failures become ERR_BAD_REQUEST naming the field. */
import type { z } from 'zod';
import { PortalError } from '../../../shared/errors.js';

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
  throw new PortalError('ERR_BAD_REQUEST', `Invalid request${where}: ${issue?.message ?? 'schema mismatch'}`);
}

/**
 * A same-site path to return to after sign-in: starts with one "/", no scheme, no "//" or "\"
 * (which browsers may treat as another host). Anything else becomes undefined.
 */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(value) || value.includes('\\')) return undefined;
  return value;
}
