/**
 * The extension's internal message channels, each defined once: name (`from:to`), message types,
 * request schema and response schema. Senders and receivers derive their types from this table
 * (see sendOnChannel.ts and createChannelReceiver.ts), so the two ends cannot drift apart.
 *
 * The content script imports only its types (`import type`): its bundle must stay free of zod.
 */
import { z } from 'zod';
import { origin, rpId, wireError } from '../../../shared/protocol/common.js';
import { deviceSummary, eligibility } from '../../../shared/protocol/device.js';
import { settings as daemonSettings } from '../../../shared/protocol/messages.js';
import { pageRequest, pageResponse } from '../../../shared/protocol/pageApi.js';

/** Where a request failed its schema (path within the payload) and why, for a coded refusal. */
export interface SchemaProblem {
  path: readonly PropertyKey[];
  message: string;
}

/**
 * One message definition. `refuse`, where given, turns a payload that fails the request schema
 * into an answer for the sender (instead of dropping it silently), so a caller that cannot see
 * the schema (the page) still learns `ERR_INVALID_MESSAGE` and why.
 */
const define = <Req extends z.ZodType, Res extends z.ZodType>(
  request: Req,
  response: Res,
  refuse?: (problem: SchemaProblem) => z.infer<Res>,
) => ({ request, response, ...(refuse ? { refuse } : {}) });

/** The page's answer for a page request that failed the strict page schema. */
const refusePageRequest = ({ path, message }: SchemaProblem) => {
  // Paths are reported relative to the page's own request, as the page wrote it.
  const inRequest = path[0] === 'request' ? path.slice(1) : path;
  const where = inRequest.length > 0 ? ` at ${inRequest.map(String).join('.')}` : '';
  return {
    ok: false as const,
    error: { code: 'ERR_INVALID_MESSAGE' as const, message: `Invalid request${where}: ${message}` },
  };
};

/** `{ ok: true, result } | { ok: false, error }` for a given result schema. */
export const outcome = <S extends z.ZodType>(result: S) =>
  z.union([
    z.object({ ok: z.literal(true), result }).strict(),
    z.object({ ok: z.literal(false), error: wireError }).strict(),
  ]);

/** Where the connection to the daemon stands, as the popup shows it. */
export const connectionState = z.enum(['connected', 'connecting', 'pairing', 'unavailable', 'idle']);

export const portalEntry = z
  .object({
    origin,
    kind: z.enum(['portal', 'sso']),
    rpId,
    registered: z.boolean().nullable(),
    /** The portal no longer knows this device's credential: log in with the password to register again. */
    orphaned: z.boolean().optional(),
  })
  .strict();

export const overview = z
  .object({
    extensionVersion: z.string().max(32),
    /** The port the native host named for this user's daemon (decision 0041); absent until known. */
    daemonPort: z.number().int().optional(),
    connection: connectionState,
    problem: wireError.optional(),
    device: deviceSummary.optional(),
    eligibility: eligibility.optional(),
    daemonSettings: daemonSettings.optional(),
    portals: z.array(portalEntry).max(128),
    pairingPreauthorized: z.boolean(),
    managedKeys: z.array(z.string().max(64)).max(8),
  })
  .strict();
export type Overview = z.infer<typeof overview>;

export const channels = {
  'content:background': {
    /** May this tab use Keybound? Answered only for configured origins; others get no answer. */
    gate: define(z.object({ origin }).strict(), z.object({ allowed: z.literal(true) }).strict()),
    /**
     * A page request as the content script received it (it checks only the envelope, see
     * docs/decisions/0034-…): the strict `pageRequest` schema runs here, in the worker, before
     * any handler; a failure is answered `ERR_INVALID_MESSAGE`. `origin` is the content script's
     * own `location.origin` (the handler also compares it with the browser-reported one).
     */
    'page.request': define(z.object({ origin, request: pageRequest }).strict(), pageResponse, refusePageRequest),
    /**
     * The page went away (pagehide) or gave up on its request (`{ keybound: 'cancel' }`): cancel
     * this tab's requests waiting at the daemon, so their Protect prompts end with the page.
     */
    'page.abandon': define(z.object({}).strict(), z.object({ cancelled: z.number().int().nonnegative() }).strict()),
  },
  'popup:background': {
    overview: define(z.object({}).strict(), outcome(overview)),
    'settings.set': define(z.object({ deviceSignIn: z.boolean() }).strict(), outcome(daemonSettings)),
    /** Drop the current connection and connect again now (the popup's "Try again"). */
    reconnect: define(z.object({}).strict(), outcome(z.object({ connection: connectionState }).strict())),
  },
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type MessageTypeOf<C extends ChannelName> = keyof Channels[C] & string;
type Def<C extends ChannelName, T extends MessageTypeOf<C>> = Channels[C][T] extends {
  request: infer Req extends z.ZodType;
  response: infer Res extends z.ZodType;
}
  ? { request: Req; response: Res }
  : never;
export type ChannelRequest<C extends ChannelName, T extends MessageTypeOf<C>> = z.infer<Def<C, T>['request']>;
export type ChannelResponse<C extends ChannelName, T extends MessageTypeOf<C>> = z.infer<Def<C, T>['response']>;

/** The envelope every runtime message travels in. */
export interface ChannelEnvelope<C extends ChannelName = ChannelName> {
  channel: C;
  type: MessageTypeOf<C>;
  payload: unknown;
}

/** A message definition as the receiver sees it. */
export interface ChannelDefinition {
  request: z.ZodType;
  response: z.ZodType;
  refuse?: (problem: SchemaProblem) => unknown;
}

/** Looks up a message definition, or undefined for an unknown channel/type pair. */
export function channelDefinition(channel: string, type: string): ChannelDefinition | undefined {
  if (!Object.hasOwn(channels, channel)) return undefined;
  const group = channels[channel as ChannelName] as Record<string, ChannelDefinition>;
  return Object.hasOwn(group, type) ? group[type] : undefined;
}
