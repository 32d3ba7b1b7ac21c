import { describe, expect, it, vi } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../../shared/protocol/version.js';
import type { UntrustedPageRequest } from './checkPageEnvelope.js';
import {
  type BridgeWindow,
  createPageBridge,
  type PageAnswer,
  type PortLike,
  toPageAnswer,
} from './createPageBridge.js';

const ORIGIN = 'http://localhost:3000';

function fakeWindow() {
  const listeners = new Set<(event: never) => void>();
  const posted: Array<{ message: unknown; targetOrigin: string }> = [];
  const win: BridgeWindow = {
    addEventListener: (_type, listener) => listeners.add(listener as never),
    removeEventListener: (_type, listener) => listeners.delete(listener as never),
    postMessage: (message, targetOrigin) => posted.push({ message, targetOrigin }),
  };
  return { win, listeners, posted };
}

function fakePort() {
  const messages: unknown[] = [];
  const port: PortLike & { closed: boolean } = {
    closed: false,
    postMessage: (m) => messages.push(m),
    close() {
      this.closed = true;
    },
  };
  return { port, messages };
}

const statusRequest = { keybound: 'request', type: 'status', payload: {} };

function setup(forward = vi.fn(async (): Promise<unknown> => ({ ok: true, result: { fine: true } }))) {
  const { win, listeners, posted } = fakeWindow();
  const bridge = createPageBridge({ win, origin: ORIGIN, forward });
  bridge.start();
  const send = async (
    data: unknown,
    overrides: { source?: unknown; origin?: string; ports?: (port: PortLike) => PortLike[] } = {},
  ) => {
    const { port, messages } = fakePort();
    bridge.handleMessage({
      source: overrides.source ?? win,
      origin: overrides.origin ?? ORIGIN,
      data,
      ports: overrides.ports ? overrides.ports(port) : [port],
    });
    await new Promise((r) => setTimeout(r, 0));
    return { port, messages };
  };
  return { bridge, win, listeners, posted, forward, send };
}

describe('createPageBridge', () => {
  it('should announce ready to its own origin when started', () => {
    const { posted, listeners } = setup();
    expect(posted).toEqual([{ message: { keybound: 'ready', version: 1 }, targetOrigin: ORIGIN }]);
    expect(listeners.size).toBe(1);
  });

  it('should forward a valid request with its own origin and answer on the port when the page asks', async () => {
    const { send, forward } = setup();
    const { port, messages } = await send(statusRequest);
    expect(forward).toHaveBeenCalledWith(ORIGIN, {
      keybound: 'request',
      type: 'status',
      payload: {},
    } satisfies UntrustedPageRequest);
    expect(messages).toEqual([{ ok: true, result: { fine: true } }]);
    expect(port.closed).toBe(true);
  });

  it('should ignore a message when it comes from another window', async () => {
    const { send, forward } = setup();
    const { messages } = await send(statusRequest, { source: {} });
    expect(forward).not.toHaveBeenCalled();
    expect(messages).toEqual([]);
  });

  it('should ignore a message when its origin is not the page origin', async () => {
    const { send, forward } = setup();
    const { messages } = await send(statusRequest, { origin: 'https://evil.example' });
    expect(forward).not.toHaveBeenCalled();
    expect(messages).toEqual([]);
  });

  it('should ignore messages when they are not Keybound requests', async () => {
    const { send, forward } = setup();
    for (const data of [null, 'status', 42, { keybound: 'ready', version: 1 }, { type: 'status' }]) {
      expect((await send(data)).messages).toEqual([]);
    }
    expect(forward).not.toHaveBeenCalled();
  });

  it('should drop a request when it has no port to answer on', async () => {
    const { send, forward } = setup();
    await send(statusRequest, { ports: () => [] });
    expect(forward).not.toHaveBeenCalled();
  });

  it('should refuse a request when it is larger than the cap', async () => {
    const { send, forward } = setup();
    const big = { ...statusRequest, payload: { userName: 'x'.repeat(MAX_MESSAGE_BYTES) } };
    const { messages } = await send(big);
    expect(messages).toEqual([{ ok: false, error: expect.objectContaining({ code: 'ERR_MESSAGE_TOO_LARGE' }) }]);
    expect(forward).not.toHaveBeenCalled();
  });

  it('should refuse a request when it is not JSON (cycles, BigInt)', async () => {
    const { send } = setup();
    const cyclic: Record<string, unknown> = { ...statusRequest };
    cyclic.self = cyclic;
    expect((await send(cyclic)).messages).toEqual([
      { ok: false, error: expect.objectContaining({ code: 'ERR_MALFORMED_JSON' }) },
    ]);
  });

  it('should relay a request unchanged when it passes the envelope, leaving the strict schema to the worker', async () => {
    // The page adds an origin: the content script does not know the schema; the worker refuses it
    // (see handleContentMessages.test.ts, "should refuse a malformed page request in the worker").
    const { send, forward } = setup();
    const withOrigin = { ...statusRequest, payload: { origin: 'https://bank.example' } };
    await send(withOrigin);
    expect(forward).toHaveBeenCalledWith(ORIGIN, withOrigin);
  });

  it('should refuse an unknown request type when it is not a page API type', async () => {
    const { send, forward } = setup();
    for (const type of ['accounts.delete', 'toString', 42, undefined]) {
      const { messages } = await send({ keybound: 'request', type, payload: {} });
      expect(messages).toEqual([{ ok: false, error: expect.objectContaining({ code: 'ERR_INVALID_MESSAGE' }) }]);
    }
    expect(forward).not.toHaveBeenCalled();
  });

  it('should refuse a request when its payload is not a plain object', async () => {
    const { send, forward } = setup();
    for (const payload of [undefined, null, 'x', [], [{}], 7]) {
      const { messages } = await send({ keybound: 'request', type: 'signIn', payload });
      expect(messages).toEqual([{ ok: false, error: expect.objectContaining({ code: 'ERR_INVALID_MESSAGE' }) }]);
    }
    expect(forward).not.toHaveBeenCalled();
  });

  it('should refuse a request and close every port when it transfers more than one port', async () => {
    const { send, forward } = setup();
    const extra = fakePort();
    const { port, messages } = await send(statusRequest, { ports: (p) => [p, extra.port] });
    expect(messages).toEqual([{ ok: false, error: expect.objectContaining({ code: 'ERR_INVALID_MESSAGE' }) }]);
    expect(port.closed).toBe(true);
    expect(extra.port.closed).toBe(true);
    expect(forward).not.toHaveBeenCalled();
  });

  it('should pass on only the answer shapes of the page API when the worker answers', async () => {
    const { send } = setup(
      vi.fn(async () => ({ ok: false, error: { code: 'ERR_USER_DENIED', message: 'No.', stack: 'x' } })),
    );
    expect((await send(statusRequest)).messages).toEqual([
      { ok: false, error: { code: 'ERR_USER_DENIED', message: 'No.' } },
    ]);
    expect(toPageAnswer({ ok: true, result: { a: 1 }, extra: 1 })).toEqual({ ok: true, result: { a: 1 } });
    for (const bad of [{ ok: 'yes' }, { ok: true }, { ok: false, error: { code: 1 } }, 'ok', 5]) {
      expect(toPageAnswer(bad)).toMatchObject({ ok: false, error: { code: 'ERR_INTERNAL' } });
    }
  });

  it('should answer ERR_EXTENSION_UNAVAILABLE when the worker gives no answer (it dropped the message)', async () => {
    const { send } = setup(vi.fn(async () => undefined));
    const { messages } = await send(statusRequest);
    expect(messages).toEqual([{ ok: false, error: expect.objectContaining({ code: 'ERR_EXTENSION_UNAVAILABLE' }) }]);
  });

  it('should answer ERR_EXTENSION_UNAVAILABLE when forwarding fails', async () => {
    const { send } = setup(vi.fn(async () => Promise.reject(new Error('worker gone'))));
    const { messages } = await send(statusRequest);
    expect(messages).toEqual([{ ok: false, error: expect.objectContaining({ code: 'ERR_EXTENSION_UNAVAILABLE' }) }]);
  });

  it('should remove its listener and close open ports when stopped (pagehide)', async () => {
    let release: (a: PageAnswer) => void = () => {};
    const forward = vi.fn(() => new Promise<unknown>((r) => (release = r)));
    const { bridge, listeners, send } = setup(forward);
    const { port, messages } = await send(statusRequest);
    bridge.stop();
    expect(listeners.size).toBe(0);
    expect(port.closed).toBe(true);
    release({ ok: true, result: {} });
    await new Promise((r) => setTimeout(r, 0));
    expect(messages).toEqual([]);
  });
});
