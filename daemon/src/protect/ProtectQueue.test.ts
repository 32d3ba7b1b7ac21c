import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../shared/node/createLogger.js';
import type { ProtectDoneEvent, ProtectRequestEvent } from '../../../shared/protocol/index.js';
import { ProtectQueue } from './ProtectQueue.js';

const request = {
  action: 'register' as const,
  origin: 'http://localhost:3000',
  rpId: 'localhost',
  browser: 'Chrome',
  requestId: 'r1',
};

const EXT = 'chrome-extension://kbkbkbkbkbkbkbkbkbkbkbkbkbkbkbkb';

/** The window URL as the requesting extension's native host gets it (never in the event). */
function urlOf(q: ProtectQueue, ev: ProtectRequestEvent): URL {
  expect(ev).not.toHaveProperty('url');
  return new URL(q.approvalUrl(ev.protectId, EXT)!);
}

function queue(mode: 'protect' | 'auto' | 'deny' = 'protect', timeoutMs = 60_000) {
  return new ProtectQueue({ mode, timeoutMs, origin: () => 'http://127.0.0.1:1234', logger: silentLogger() });
}

function capture(q: ProtectQueue) {
  const events: (ProtectRequestEvent | ProtectDoneEvent)[] = [];
  const connection = new AbortController();
  const sink = { send: (e: ProtectRequestEvent | ProtectDoneEvent) => events.push(e), extensionOrigin: EXT };
  const promise = q.verify({ ...request, signal: connection.signal, events: sink });
  return { events, promise };
}

describe('ProtectQueue', () => {
  it('should emit a protect.request without URL, give the tokened URL only to the requester, and resolve when approved by token', async () => {
    const q = queue();
    const { events, promise } = capture(q);
    const ev = events[0] as ProtectRequestEvent;
    expect(ev).toMatchObject({ event: 'protect.request', requestId: 'r1', action: 'register' });
    const url = urlOf(q, ev);
    const token = url.searchParams.get('token')!;
    expect(url.pathname).toBe(`/protect/${ev.protectId}`);
    expect(q.approvalUrl(ev.protectId, 'chrome-extension://abababababababababababababababab')).toBeUndefined();
    expect(q.lookup(ev.protectId, token)).toMatchObject({ origin: 'http://localhost:3000' });
    const finished = q.decide(ev.protectId, 'approve', token)!;
    const handle = await promise;
    handle.complete({ ok: true });
    expect(await finished).toEqual({ state: 'completed', ok: true });
    expect(events[1]).toMatchObject({ event: 'protect.done', outcome: 'approved' });
  });

  it('should refuse a second use of the token when it was consumed', async () => {
    const q = queue();
    const { events, promise } = capture(q);
    const ev = events[0] as ProtectRequestEvent;
    const token = urlOf(q, ev).searchParams.get('token')!;
    q.decide(ev.protectId, 'deny', token);
    await expect(promise).rejects.toMatchObject({ code: 'ERR_USER_DENIED' });
    expect(q.decide(ev.protectId, 'approve', token)).toBeUndefined();
    expect(q.lookup(ev.protectId, token)).toBeUndefined();
  });

  it('should refuse a wrong token when deciding', () => {
    const q = queue();
    const { events, promise } = capture(q);
    promise.catch(() => {});
    const ev = events[0] as ProtectRequestEvent;
    expect(q.decide(ev.protectId, 'approve', 'A'.repeat(43))).toBeUndefined();
    expect(q.pending()).toHaveLength(1);
    q.close();
  });

  it('should reject with ERR_USER_VERIFICATION_TIMEOUT when nobody answers', async () => {
    const q = queue('protect', 10);
    const { events, promise } = capture(q);
    await expect(promise).rejects.toMatchObject({ code: 'ERR_USER_VERIFICATION_TIMEOUT' });
    expect(events[1]).toMatchObject({ event: 'protect.done', outcome: 'timeout' });
  });

  it('should approve at once when the mode is auto and deny at once when the mode is deny', async () => {
    const audit: { event: string; fields?: Record<string, unknown> }[] = [];
    const record = (event: string, fields?: Record<string, unknown>) => void audit.push({ event, fields });
    const options = { timeoutMs: 60_000, origin: () => 'http://127.0.0.1:1234', logger: silentLogger() };
    const auto = new ProtectQueue({ ...options, mode: 'auto', audit: { record } });
    const handle = await auto.verify(request);
    expect(() => handle.complete({ ok: true })).not.toThrow();
    expect(auto.pending()).toHaveLength(0);
    const deny = new ProtectQueue({ ...options, mode: 'deny', audit: { record } });
    await expect(deny.verify(request)).rejects.toMatchObject({ code: 'ERR_USER_DENIED' });
    // Every answer given without asking leaves its audit line.
    expect(audit).toEqual([
      {
        event: 'protect.approved',
        fields: { action: 'register', origin: request.origin, rpId: 'localhost', via: 'auto' },
      },
      {
        event: 'protect.denied',
        fields: { action: 'register', origin: request.origin, rpId: 'localhost', via: 'deny' },
      },
    ]);
  });

  it('should tell the requester its prompt ended as cancelled, not as timed out, when the request is abandoned', async () => {
    const q = queue();
    const events: (ProtectRequestEvent | ProtectDoneEvent)[] = [];
    // The request's own lifetime (cancelled by its requester), as the server gives each request.
    const abandoned = new AbortController();
    const promise = q.verify({ ...request, signal: abandoned.signal, events: { send: (e) => events.push(e) } });
    promise.catch(() => {});
    abandoned.abort();
    await expect(promise).rejects.toMatchObject({ code: 'ERR_EXTENSION_UNAVAILABLE' });
    expect(events.map((e) => e.event)).toEqual(['protect.request', 'protect.done']);
    expect(events[1]).toMatchObject({ event: 'protect.done', requestId: 'r1', outcome: 'cancelled' });
  });

  it('should end a pending prompt as cancelled when the daemon stops', async () => {
    const q = queue();
    const { events, promise } = capture(q);
    promise.catch(() => {});
    q.close();
    await expect(promise).rejects.toMatchObject({ code: 'ERR_EXTENSION_UNAVAILABLE' });
    expect(events[1]).toMatchObject({ event: 'protect.done', outcome: 'cancelled' });
  });

  it('should cancel a pending request when its signal aborts', async () => {
    const q = queue();
    const ac = new AbortController();
    const p = q.verify({ ...request, signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'ERR_EXTENSION_UNAVAILABLE' });
    expect(q.pending()).toHaveLength(0);
  });
});
