/**
 * The extension's internal message channels, each defined once: name (`from:to`), message types,
 * request schema and response schema. Senders and receivers derive their types from this table
 * (see sendOnChannel.ts and createChannelReceiver.ts), so the two ends cannot drift apart.
 *
 * Content scripts import this file (it holds schemas only, no background or popup code).
 */
import { z } from 'zod';
import { origin, rpId, wireError } from '../../../shared/protocol/common.js';
import { deviceSummary, eligibility } from '../../../shared/protocol/device.js';
import { settings as daemonSettings } from '../../../shared/protocol/messages.js';
import { pageRequest, pageResponse } from '../../../shared/protocol/pageApi.js';

const define = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) => ({ request, response });

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
  })
  .strict();

export const overview = z
  .object({
    extensionVersion: z.string().max(32),
    daemonPort: z.number().int(),
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
    /** A parsed page request; `origin` is the content script's own `location.origin`. */
    'page.request': define(z.object({ origin, request: pageRequest }).strict(), pageResponse),
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

/** Looks up a message definition, or undefined for an unknown channel/type pair. */
export function channelDefinition(
  channel: string,
  type: string,
): { request: z.ZodType; response: z.ZodType } | undefined {
  if (!Object.hasOwn(channels, channel)) return undefined;
  const group = channels[channel as ChannelName] as Record<string, { request: z.ZodType; response: z.ZodType }>;
  return Object.hasOwn(group, type) ? group[type] : undefined;
}
