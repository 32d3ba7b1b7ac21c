import { describe, expect, it, vi } from 'vitest';
import type { ProtectDoneEvent } from '../../../shared/protocol/messages.js';
import { PAIRING_REQUEST_ID, ProtectHandoff, type ProtectPrompt } from './ProtectHandoff.js';

const request: ProtectPrompt = {
  requestId: 'x1-abc',
  protectId: 'protect-0001',
  url: 'http://127.0.0.1:28170/protect/protect-0001?t=abc',
};
const done = (outcome: ProtectDoneEvent['outcome']): ProtectDoneEvent => ({
  type: 'event',
  event: 'protect.done',
  requestId: 'x1-abc',
  protectId: 'protect-0001',
  outcome,
});

function setup() {
  const memory = new Map<string, unknown>();
  const calls: string[] = [];
  const deps = {
    open: vi.fn(async (url: string) => {
      calls.push(`open ${url}`);
      return { windowId: 99, tabId: 100 };
    }),
    closeWindow: vi.fn(async (id: number) => void calls.push(`close ${id}`)),
    closeTab: vi.fn(async (id: number) => void calls.push(`closeTab ${id}`)),
    focus: vi.fn(async (t: { tabId: number; windowId: number }) => void calls.push(`focus ${t.tabId}/${t.windowId}`)),
    activeTab: vi.fn(async () => ({ tabId: 1, windowId: 1 })),
    store: {
      get: async (k: string) => memory.get(k) as never,
      set: async (k: string, v: unknown) => void memory.set(k, v),
      remove: async (k: string) => void memory.delete(k),
    },
    log: vi.fn(),
    sleep: vi.fn(async (ms: number) => void calls.push(`wait ${ms}`)),
  };
  return { handoff: new ProtectHandoff(deps), deps, calls, memory };
}

describe('ProtectHandoff', () => {
  it('should open Protect, then wait, close it and return to the asking tab when Protect finishes', async () => {
    const { handoff, calls, deps } = setup();
    handoff.rememberRequest('x1-abc', { tabId: 7, windowId: 3 });
    await handoff.onRequest(request);
    await handoff.onDone(done('approved'));
    expect(calls).toEqual([`open ${request.url}`, 'wait 1500', 'close 99', 'focus 7/3']);
    expect(deps.activeTab).not.toHaveBeenCalled();
  });

  it('should return pairing to the first tab whose request waited for the daemon, not the active tab', async () => {
    const { handoff, calls, deps } = setup();
    const asked = handoff.awaitingDaemon({ tabId: 7, windowId: 3 });
    const later = handoff.awaitingDaemon({ tabId: 8, windowId: 3 });
    await handoff.onRequest({ ...request, requestId: PAIRING_REQUEST_ID });
    // The requests are answered as soon as pairing ends, before the window closes.
    asked();
    later();
    await handoff.onDone({ ...done('approved'), requestId: PAIRING_REQUEST_ID });
    expect(calls.at(-1)).toBe('focus 7/3');
    expect(deps.activeTab).not.toHaveBeenCalled();
    // Answered: a later pairing with no tab waiting returns to the active tab.
    await handoff.onRequest({ ...request, protectId: 'protect-0002', requestId: PAIRING_REQUEST_ID });
    await handoff.onDone({ ...done('approved'), protectId: 'protect-0002', requestId: PAIRING_REQUEST_ID });
    expect(calls.at(-1)).toBe('focus 1/1');
  });

  it('should return a pairing that opened before any tab asked (warm-up) to the tab that then waited on it', async () => {
    const { handoff, calls } = setup();
    await handoff.onRequest({ ...request, requestId: PAIRING_REQUEST_ID });
    const answered = handoff.awaitingDaemon({ tabId: 7, windowId: 3 });
    answered();
    await handoff.onDone({ ...done('approved'), requestId: PAIRING_REQUEST_ID });
    expect(calls.at(-1)).toBe('focus 7/3');
  });

  it('should return to the active tab when the request came from no known tab', async () => {
    const { handoff, calls } = setup();
    await handoff.onRequest({ ...request, requestId: 'x2-pair' });
    await handoff.onDone({ ...done('denied'), requestId: 'x2-pair' });
    expect(calls.at(-1)).toBe('focus 1/1');
  });

  it('should close the window even when done arrives while it is still opening', async () => {
    const { handoff, calls } = setup();
    const opening = handoff.onRequest(request);
    const finishing = handoff.onDone(done('timeout'));
    await Promise.all([opening, finishing]);
    expect(calls).toContain('close 99');
  });

  it('should resolve false and log when the browser does not open the window', async () => {
    const { handoff, deps } = setup();
    deps.open.mockRejectedValueOnce(new Error('No current window'));
    await expect(handoff.onRequest(request)).resolves.toBe(false);
    expect(deps.log).toHaveBeenCalledWith('protect.open_failed', { code: 'ERR_INTERNAL' });
    await expect(handoff.onRequest({ ...request, protectId: 'protect-0002' })).resolves.toBe(true);
  });

  it('should do nothing when done arrives for a window it never opened', async () => {
    const { handoff, calls } = setup();
    await handoff.onDone(done('approved'));
    expect(calls).toEqual([]);
  });

  it('should still return to the tab when the user already closed the Protect window', async () => {
    const { handoff, calls, deps } = setup();
    deps.closeWindow.mockRejectedValueOnce(new Error('No window with id: 99'));
    handoff.rememberRequest('x1-abc', { tabId: 7, windowId: 3 });
    await handoff.onRequest(request);
    await handoff.onDone(done('approved'));
    expect(calls.at(-1)).toBe('focus 7/3');
  });

  it('should find the window from session storage when the worker was restarted in between', async () => {
    const first = setup();
    await first.handoff.onRequest(request);
    const second = new ProtectHandoff({ ...first.deps });
    await second.onDone(done('approved'));
    expect(first.calls).toContain('close 99');
  });
});
