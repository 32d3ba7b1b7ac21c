/**
 * The receiving end of a channel. Runs the fixed order of STYLE.md after the caller's sender
 * check: size → envelope → request schema → handler. A bad message is logged with a code and
 * dropped (the receiver returns undefined); it never throws.
 */
import { z } from 'zod';
import { MAX_MESSAGE_BYTES } from '../../../shared/protocol/version.js';
import {
  type ChannelName,
  type ChannelRequest,
  type ChannelResponse,
  channelDefinition,
  type MessageTypeOf,
} from './channels.js';

export type ChannelHandlers<C extends ChannelName, Ctx> = {
  /** A handler resolves to the response, or to undefined to drop the message without an answer. */
  [T in MessageTypeOf<C>]: (payload: ChannelRequest<C, T>, context: Ctx) => Promise<ChannelResponse<C, T> | undefined>;
};

export type DropLog = (event: string, fields: { code: string; channel: string; type?: string }) => void;

const envelope = z.object({ channel: z.string().max(64), type: z.string().max(64), payload: z.unknown() }).strict();

/** Size of a structured-clone message, measured as its JSON text; undefined if it is not JSON. */
export function structuredMessageBytes(raw: unknown): number | undefined {
  try {
    const text = JSON.stringify(raw);
    return text === undefined ? undefined : new TextEncoder().encode(text).byteLength;
  } catch {
    return undefined;
  }
}

/** Builds the receiver for one channel; `receive(raw, ctx)` resolves to the response or undefined. */
export function createChannelReceiver<C extends ChannelName, Ctx>(
  channel: C,
  handlers: ChannelHandlers<C, Ctx>,
  log: DropLog,
  maxBytes: number = MAX_MESSAGE_BYTES,
) {
  return async function receive(rawUntrusted: unknown, context: Ctx): Promise<unknown> {
    const bytes = structuredMessageBytes(rawUntrusted);
    if (bytes === undefined || bytes > maxBytes) {
      log('channel.drop', { code: bytes === undefined ? 'ERR_MALFORMED_JSON' : 'ERR_MESSAGE_TOO_LARGE', channel });
      return undefined;
    }
    const env = envelope.safeParse(rawUntrusted);
    if (!env.success || env.data.channel !== channel) {
      log('channel.drop', { code: 'ERR_INVALID_MESSAGE', channel });
      return undefined;
    }
    const definition = channelDefinition(channel, env.data.type);
    const payload = definition?.request.safeParse(env.data.payload);
    if (!definition || !payload?.success) {
      log('channel.drop', { code: 'ERR_INVALID_MESSAGE', channel, type: env.data.type });
      return undefined;
    }
    const handler = handlers[env.data.type as MessageTypeOf<C>] as (p: unknown, c: Ctx) => Promise<unknown>;
    return handler(payload.data, context);
  };
}
