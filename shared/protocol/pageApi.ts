/**
 * The page API: what a portal page (or an SSO login page) exchanges with the extension's content
 * script. Documented for portal authors in docs/page-api.md.
 *
 * Page → content: `window.postMessage({ keybound: 'request', type, payload }, location.origin,
 * [port])` with one MessageChannel port per request; the answer comes back on that port as a
 * {@link pageResponse}. Content → page on load: `{ keybound: 'ready', version }`.
 * The content script adds the tab's real origin itself; nothing here carries an origin.
 */
import { z } from 'zod';
import { knownCredentialIds, rpId, wireError } from './common.js';
import { deviceSummary, eligibility } from './device.js';
import { registrationResult, signInResult } from './results.js';
import { creationOptionsJSON, requestOptionsJSON } from './webauthnJson.js';

export const PAGE_API_VERSION = 1 as const;

export const pageRequest = z.discriminatedUnion('type', [
  z
    .object({
      keybound: z.literal('request'),
      type: z.literal('status'),
      payload: z
        .object({
          userName: z.string().min(1).max(256).optional(),
          rpId: rpId.optional(),
          knownCredentialIds: knownCredentialIds.optional(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      keybound: z.literal('request'),
      type: z.literal('register'),
      payload: z.object({ options: creationOptionsJSON }).strict(),
    })
    .strict(),
  z
    .object({
      keybound: z.literal('request'),
      type: z.literal('signIn'),
      payload: z.object({ options: requestOptionsJSON }).strict(),
    })
    .strict(),
]);
export type PageRequest = z.infer<typeof pageRequest>;
export type PageRequestType = PageRequest['type'];

export const pageResults = {
  status: z
    .object({
      extensionVersion: z.string().max(32),
      daemon: z.enum(['connected', 'unavailable', 'pairing']),
      device: deviceSummary.optional(),
      eligibility,
      registered: z.boolean(),
      orphaned: z.boolean().optional(),
    })
    .strict(),
  register: registrationResult,
  signIn: signInResult,
} satisfies Record<PageRequestType, z.ZodType>;
export type PageResultOf<T extends PageRequestType> = z.infer<(typeof pageResults)[T]>;

export const pageResponse = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }).strict(),
  z.object({ ok: z.literal(false), error: wireError }).strict(),
]);

export const pageReady = z.object({ keybound: z.literal('ready'), version: z.literal(PAGE_API_VERSION) }).strict();
