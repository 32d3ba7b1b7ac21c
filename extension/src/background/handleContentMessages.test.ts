import { describe, expect, it, vi } from 'vitest';
import { createChannelReceiver } from '../messaging/createChannelReceiver.js';
import { handleContentMessages } from './handleContentMessages.js';
import { PageCeremonies } from './PageCeremonies.js';
import { UnshownPrompts } from './UnshownPrompts.js';

const context = {
  kind: 'content' as const,
  tabId: 5,
  windowId: 2,
  frameId: 0 as const,
  origin: 'http://localhost:3000',
};
const device = {
  platform: 'linux' as const,
  enrollment: { state: 'enrolled' as const },
  protect: { installed: true, managed: true, opened: true, notifications: true },
  userVerification: { biometrics: true, pin: true },
  deviceSignIn: true,
};
const options = { challenge: 'a'.repeat(43), rpId: 'localhost' };

function setup(
  request = vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ ok: true, result: {} })),
  unshown?: UnshownPrompts,
) {
  const daemon = { request, state: 'connected' as string };
  const handoff = { rememberRequest: vi.fn(), forgetRequest: vi.fn(), awaitingDaemon: vi.fn(() => () => {}) };
  const log = vi.fn();
  const handlers = handleContentMessages({
    daemon: daemon as never,
    handoff,
    ceremonies: new PageCeremonies(() => {}),
    extensionVersion: '0.1.0',
    pairingGraceMs: 20,
    ...(unshown ? { unshown } : {}),
    log,
  });
  return { handlers, daemon, handoff, request, log };
}

describe('handleContentMessages', () => {
  it('should admit a tab when the content script and the browser agree on its origin', async () => {
    const { handlers } = setup();
    await expect(handlers.gate({ origin: context.origin }, context)).resolves.toEqual({ allowed: true });
    await expect(handlers.gate({ origin: 'http://localhost:4000' }, context)).resolves.toBeUndefined();
  });

  it('should refuse a page request when its claimed origin differs from the browser-reported one', async () => {
    const { handlers, request } = setup();
    const answer = await handlers['page.request'](
      { origin: 'http://localhost:4000', request: { keybound: 'request', type: 'status', payload: {} } },
      context,
    );
    expect(answer).toMatchObject({ ok: false, error: { code: 'ERR_BAD_ORIGIN' } });
    expect(request).not.toHaveBeenCalled();
  });

  it('should send the browser-reported origin to the daemon when the page signs in', async () => {
    const credential = { id: 'x' };
    const { handlers, request, handoff } = setup(
      vi.fn(async (_type: unknown, _payload: unknown, opts: unknown) => {
        (opts as { onId: (id: string) => void }).onId('x9-req');
        return { ok: true, result: { credential } };
      }),
    );
    const answer = await handlers['page.request'](
      { origin: context.origin, request: { keybound: 'request', type: 'signIn', payload: { options } } },
      context,
    );
    expect(request).toHaveBeenCalledWith('signIn', { origin: 'http://localhost:3000', options }, expect.any(Object));
    expect(handoff.rememberRequest).toHaveBeenCalledWith('x9-req', { tabId: 5, windowId: 2 });
    expect(handoff.forgetRequest).toHaveBeenCalledWith('x9-req');
    expect(answer).toEqual({ ok: true, result: { credential } });
  });

  it('should pass the daemon error on when registration fails', async () => {
    const error = { code: 'ERR_NOT_ENROLLED', message: 'This device is not enrolled.' };
    const { handlers } = setup(vi.fn(async () => ({ ok: false, error })));
    const answer = await handlers['page.request'](
      {
        origin: context.origin,
        request: {
          keybound: 'request',
          type: 'register',
          payload: {
            options: {
              rp: { name: 'Portal', id: 'localhost' },
              user: { id: 'dXNlcg', name: 'a@example.com', displayName: 'A' },
              challenge: 'a'.repeat(43),
              pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
            },
          },
        },
      },
      context,
    );
    expect(answer).toEqual({ ok: false, error });
  });

  it('should give the page the reason its Protect window could not be shown when that request was cancelled', async () => {
    const cancelled = {
      code: 'ERR_EXTENSION_UNAVAILABLE',
      message: 'The browser connection closed before Protect answered.',
    };
    const reason = { code: 'ERR_NATIVE_HOST_UNAVAILABLE', message: 'Keybound cannot reach its native messaging host.' };
    const unshown = new UnshownPrompts(() => {});
    const { handlers, log } = setup(
      vi.fn(async (_type: unknown, _payload: unknown, opts: unknown) => {
        (opts as { onId: (id: string) => void }).onId('x7-req');
        unshown.fail('x7-req', reason);
        return { ok: false, error: cancelled };
      }),
      unshown,
    );
    const signIn = { keybound: 'request' as const, type: 'signIn' as const, payload: { options } };
    expect(await handlers['page.request']({ origin: context.origin, request: signIn }, context)).toEqual({
      ok: false,
      error: reason,
    });
    // Said once: the next request's own error is its own.
    expect(unshown.take('x7-req')).toBeUndefined();
    expect(log).toHaveBeenCalledWith('page.ceremony', { code: 'ERR_NATIVE_HOST_UNAVAILABLE', type: 'signIn' });
  });

  it('should default the RP ID to the page host and refuse another site when asked for status', async () => {
    const { handlers, request } = setup(
      vi.fn(async () => ({
        ok: true,
        result: { daemonVersion: '0.1.0', device, eligibility: { eligible: true }, registered: true },
      })),
    );
    const ok = await handlers['page.request'](
      { origin: context.origin, request: { keybound: 'request', type: 'status', payload: {} } },
      context,
    );
    expect(request).toHaveBeenCalledWith('status', { rpId: 'localhost' });
    expect(ok).toEqual({
      ok: true,
      result: {
        extensionVersion: '0.1.0',
        daemon: 'connected',
        device,
        eligibility: { eligible: true },
        registered: true,
      },
    });
    const refused = await handlers['page.request'](
      { origin: context.origin, request: { keybound: 'request', type: 'status', payload: { rpId: 'bank.example' } } },
      context,
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'ERR_RP_ID_MISMATCH' } });
  });

  it('should answer status with daemon "pairing" when the user is still approving the pairing', async () => {
    const { handlers, daemon } = setup(vi.fn(() => new Promise(() => {})));
    daemon.state = 'pairing';
    const answer = await handlers['page.request'](
      { origin: context.origin, request: { keybound: 'request', type: 'status', payload: {} } },
      context,
    );
    expect(answer).toMatchObject({
      ok: true,
      result: { daemon: 'pairing', registered: false, eligibility: { eligible: false } },
    });
  });

  it('should answer status with daemon "unavailable" and the reason when the daemon is down', async () => {
    const error = { code: 'ERR_DAEMON_UNAVAILABLE', message: 'not reachable' };
    const { handlers, daemon } = setup(vi.fn(async () => ({ ok: false, error })));
    daemon.state = 'unavailable';
    const answer = await handlers['page.request'](
      { origin: context.origin, request: { keybound: 'request', type: 'status', payload: {} } },
      context,
    );
    expect(answer).toEqual({
      ok: true,
      result: {
        extensionVersion: '0.1.0',
        daemon: 'unavailable',
        eligibility: { eligible: false, problem: error },
        registered: false,
      },
    });
  });

  it('should refuse a malformed page request in the worker with ERR_INVALID_MESSAGE before it reaches the daemon', async () => {
    // The content script only checks the envelope; this is where the strict page schema runs.
    const { handlers, request } = setup();
    const log = vi.fn();
    const receive = createChannelReceiver('content:background', handlers, log);
    const relay = (pageRequest: unknown) =>
      receive(
        {
          channel: 'content:background',
          type: 'page.request',
          payload: { origin: context.origin, request: pageRequest },
        },
        context,
      );
    const malformed = [
      // The page tries to choose the origin that goes into clientDataJSON.
      { keybound: 'request', type: 'signIn', payload: { options, origin: 'https://bank.example' } },
      // An unknown key beside the envelope.
      { keybound: 'request', type: 'status', payload: {}, origin: 'https://bank.example' },
      // Options that are not WebAuthn request options (challenge too short).
      { keybound: 'request', type: 'signIn', payload: { options: { ...options, challenge: 'abc' } } },
      // A register request without options.
      { keybound: 'request', type: 'register', payload: {} },
    ];
    for (const pageRequest of malformed) {
      await expect(relay(pageRequest)).resolves.toEqual({
        ok: false,
        error: { code: 'ERR_INVALID_MESSAGE', message: expect.stringMatching(/^Invalid request/) },
      });
    }
    expect(request).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith('channel.refused', expect.objectContaining({ code: 'ERR_INVALID_MESSAGE' }));
    // The same channel still serves a well-formed request.
    await relay({ keybound: 'request', type: 'signIn', payload: { options } });
    expect(request).toHaveBeenCalledTimes(1);
  });

  it('should name where a page request failed, relative to the page request, when refusing it', async () => {
    const { handlers } = setup();
    const receive = createChannelReceiver('content:background', handlers, vi.fn());
    const answer = await receive(
      {
        channel: 'content:background',
        type: 'page.request',
        payload: { origin: context.origin, request: { keybound: 'request', type: 'status', payload: { userName: 7 } } },
      },
      context,
    );
    expect(answer).toMatchObject({ ok: false, error: { message: expect.stringContaining('at payload.userName') } });
  });
});
