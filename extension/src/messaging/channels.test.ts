import { describe, expect, it, vi } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../../shared/protocol/version.js';
import { channelDefinition, channels } from './channels.js';
import { createChannelReceiver } from './createChannelReceiver.js';
import { sendOnChannel } from './sendOnChannel.js';

const ORIGIN = 'http://localhost:3000';

function receiver() {
  const log = vi.fn();
  const gate = vi.fn(async () => ({ allowed: true as const }));
  const pageRequest = vi.fn(async () => ({ ok: true as const, result: { done: 1 } }));
  const abandon = vi.fn(async () => ({ cancelled: 0 }));
  const receive = createChannelReceiver(
    'content:background',
    { gate, 'page.request': pageRequest, 'page.abandon': abandon },
    log,
  );
  return { receive, log, gate, pageRequest };
}

describe('channels', () => {
  it('should refuse what is not a message of its shape for every request and response when listed', () => {
    // A schema left open (z.any(), z.unknown(), a passthrough record) would let anything through.
    for (const [channel, group] of Object.entries(channels)) {
      for (const [type, definition] of Object.entries(group)) {
        for (const junk of [undefined, null, 42, 'text', [], { unexpected: true }]) {
          expect(definition.request.safeParse(junk).success, `${channel} ${type} request ${JSON.stringify(junk)}`).toBe(
            false,
          );
          expect(
            definition.response.safeParse(junk).success,
            `${channel} ${type} response ${JSON.stringify(junk)}`,
          ).toBe(false);
        }
      }
    }
  });

  it('should find no definition when the channel or type is unknown or inherited', () => {
    expect(channelDefinition('content:background', 'gate')).toBeDefined();
    expect(channelDefinition('content:popup', 'gate')).toBeUndefined();
    expect(channelDefinition('content:background', 'toString')).toBeUndefined();
    expect(channelDefinition('__proto__', 'gate')).toBeUndefined();
  });
});

describe('createChannelReceiver', () => {
  it('should run the handler with the parsed payload when the message is valid', async () => {
    const { receive, gate } = receiver();
    const ctx = { tab: 1 };
    await expect(
      receive({ channel: 'content:background', type: 'gate', payload: { origin: ORIGIN } }, ctx),
    ).resolves.toEqual({
      allowed: true,
    });
    expect(gate).toHaveBeenCalledWith({ origin: ORIGIN }, ctx);
  });

  it('should drop a message when it is meant for another channel', async () => {
    const { receive, gate, log } = receiver();
    await expect(receive({ channel: 'popup:background', type: 'overview', payload: {} }, {})).resolves.toBeUndefined();
    expect(gate).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith('channel.drop', expect.objectContaining({ code: 'ERR_INVALID_MESSAGE' }));
  });

  it('should drop a message when its payload fails the schema and the channel has no refusal', async () => {
    const { receive, gate } = receiver();
    await expect(
      receive({ channel: 'content:background', type: 'gate', payload: { origin: 'nonsense' } }, {}),
    ).resolves.toBeUndefined();
    expect(gate).not.toHaveBeenCalled();
  });

  it('should answer ERR_INVALID_MESSAGE without running the handler when a page request fails the page schema', async () => {
    const { receive, pageRequest, log } = receiver();
    const bad = {
      channel: 'content:background',
      type: 'page.request',
      payload: { origin: ORIGIN, request: { keybound: 'request', type: 'status', payload: { origin: 'x' } } },
    };
    await expect(receive(bad, {})).resolves.toEqual({
      ok: false,
      error: { code: 'ERR_INVALID_MESSAGE', message: 'Invalid request at payload: Unrecognized key: "origin"' },
    });
    expect(pageRequest).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith('channel.refused', expect.objectContaining({ code: 'ERR_INVALID_MESSAGE' }));
  });

  it('should drop a message when the envelope has extra keys or an unknown type', async () => {
    const { receive, log } = receiver();
    await expect(
      receive({ channel: 'content:background', type: 'gate', payload: { origin: ORIGIN }, extra: 1 }, {}),
    ).resolves.toBeUndefined();
    await expect(
      receive({ channel: 'content:background', type: 'hasOwnProperty', payload: {} }, {}),
    ).resolves.toBeUndefined();
    expect(log).toHaveBeenCalledTimes(2);
  });

  it('should drop a message when it is too large or not JSON', async () => {
    const { receive, log } = receiver();
    const huge = { channel: 'content:background', type: 'gate', payload: { origin: 'x'.repeat(MAX_MESSAGE_BYTES) } };
    await expect(receive(huge, {})).resolves.toBeUndefined();
    expect(log).toHaveBeenLastCalledWith('channel.drop', expect.objectContaining({ code: 'ERR_MESSAGE_TOO_LARGE' }));
    await expect(receive({ n: 1n }, {})).resolves.toBeUndefined();
    expect(log).toHaveBeenLastCalledWith('channel.drop', expect.objectContaining({ code: 'ERR_MALFORMED_JSON' }));
  });
});

describe('sendOnChannel', () => {
  it('should round-trip through a receiver when both ends use the same definition', async () => {
    const { receive } = receiver();
    const answer = await sendOnChannel((m) => receive(m, {}), 'content:background', 'gate', { origin: ORIGIN });
    expect(answer).toEqual({ ok: true, value: { allowed: true } });
  });

  it('should report ERR_EXTENSION_UNAVAILABLE when nobody answers or the transport fails', async () => {
    await expect(
      sendOnChannel(async () => undefined, 'content:background', 'gate', { origin: ORIGIN }),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'ERR_EXTENSION_UNAVAILABLE' },
    });
    await expect(
      sendOnChannel(() => Promise.reject(new Error('no receiver')), 'content:background', 'gate', { origin: ORIGIN }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'ERR_EXTENSION_UNAVAILABLE' } });
  });

  it('should refuse an answer when it does not match the response schema', async () => {
    const answer = await sendOnChannel(async () => ({ allowed: 'yes' }), 'content:background', 'gate', {
      origin: ORIGIN,
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_MESSAGE' } });
  });
});
