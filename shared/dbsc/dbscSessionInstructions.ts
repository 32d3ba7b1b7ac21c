/**
 * The JSON session instructions a registration or refresh endpoint returns (spec: "JSON Session
 * Instruction Format"), as a schema every side parses. Unknown keys are allowed, as the spec adds
 * keys over time and a client must ignore what it does not know.
 */
import { z } from 'zod';

export const dbscScopeRule = z.object({
  type: z.enum(['include', 'exclude']),
  domain: z.string().max(253).optional(),
  path: z.string().max(2048).optional(),
});

export const dbscScope = z.object({
  origin: z.string().max(2048).optional(),
  include_site: z.boolean(),
  scope_specification: z.array(dbscScopeRule).max(64).optional(),
});

export const dbscCredential = z.object({
  type: z.literal('cookie'),
  name: z.string().min(1).max(256),
  attributes: z.string().max(1024).optional(),
});

export const dbscSessionInstructions = z.union([
  z.object({ continue: z.literal(false) }),
  z.object({
    session_identifier: z.string().min(1).max(256),
    refresh_url: z.string().max(2048).optional(),
    continue: z.literal(true).optional(),
    scope: dbscScope,
    credentials: z.array(dbscCredential).min(1).max(16),
    allowed_refresh_initiators: z.array(z.string().max(253)).max(64).optional(),
  }),
]);

export type DbscSessionInstructions = z.infer<typeof dbscSessionInstructions>;
