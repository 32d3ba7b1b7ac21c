/**
 * The receiving end of a channel. Runs the fixed order of STYLE.md after the caller's sender
 * check: size → envelope → request schema → handler. A bad message is logged with a code and
 * dropped (the receiver returns undefined), or, where its definition has `refuse`, answered with
 * that coded refusal; no handler runs for it, and the receiver never throws.
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
import { structuredMessageBytes } from './structuredMessageBytes.js';

export type ChannelHandlers<C extends ChannelName, Ctx> = {
  /** A handler resolves to the response, or to undefined to drop the message without an answer. */
  [T in MessageTypeOf<C>]: (payload: ChannelRequest<C, T>, context: Ctx) => Promise<ChannelResponse<C, T> | undefined>;
};

export type DropLog = (event: string, fields: { code: string; channel: string; type?: string }) => void;

const envelope = z.object({ channel: z.string().max(64), type: z.string().max(64), payload: z.unknown() }).strict();

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
    if (!definition || !payload) {
      log('channel.drop', { code: 'ERR_INVALID_MESSAGE', channel, type: env.data.type });
      return undefined;
    }
    if (!payload.success) {
      log('channel.refused', { code: 'ERR_INVALID_MESSAGE', channel, type: env.data.type });
      const issue = payload.error.issues[0];
      // Answered when the channel says how (page requests), otherwise dropped without an answer.
      return definition.refuse?.({ path: issue?.path ?? [], message: issue?.message ?? 'invalid' });
    }
    const handler = handlers[env.data.type as MessageTypeOf<C>] as (p: unknown, c: Ctx) => Promise<unknown>;
    return handler(payload.data, context);
  };
}
