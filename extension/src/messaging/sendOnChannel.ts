/**
 * The sending end of a channel: wraps the payload in an envelope, sends it with the transport it
 * is given (`browser.runtime.sendMessage` in the extension, a fake in tests) and validates the
 * answer with the channel's response schema, so a sender never acts on an unchecked reply.
 */
import type { ParseResult } from '../../../shared/protocol/parseMessage.js';
import { parseValue } from '../../../shared/protocol/parseMessage.js';
import {
  type ChannelEnvelope,
  type ChannelName,
  type ChannelRequest,
  type ChannelResponse,
  channels,
  type MessageTypeOf,
} from './channels.js';

export type Transport = (message: ChannelEnvelope) => Promise<unknown>;

/** Sends one request on `channel` and returns the parsed response, or a coded error. */
export async function sendOnChannel<C extends ChannelName, T extends MessageTypeOf<C>>(
  transport: Transport,
  channel: C,
  type: T,
  payload: ChannelRequest<C, T>,
): Promise<ParseResult<ChannelResponse<C, T>>> {
  const definition = (channels[channel] as Record<string, { response: import('zod').ZodType }>)[type];
  if (!definition) throw new TypeError(`Unknown message type "${type}" on channel "${channel}"`);
  let raw: unknown;
  try {
    raw = await transport({ channel, type, payload } as ChannelEnvelope);
  } catch {
    return {
      ok: false,
      error: { code: 'ERR_EXTENSION_UNAVAILABLE', message: 'The Keybound extension did not answer. Reload the page.' },
    };
  }
  if (raw === undefined) {
    return {
      ok: false,
      error: { code: 'ERR_EXTENSION_UNAVAILABLE', message: 'The Keybound extension gave no answer.' },
    };
  }
  return parseValue(definition.response, raw) as ParseResult<ChannelResponse<C, T>>;
}
