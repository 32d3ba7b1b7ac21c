/** Decision 0052: the portal's list travels with `status`, and an orphan is kept for the popup. */
import { describe, expect, it, vi } from 'vitest';
import { handleContentMessages } from './handleContentMessages.js';
import { OrphanedRegistrations } from './OrphanedRegistrations.js';
import { PageCeremonies } from './PageCeremonies.js';

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

function setup(orphaned: boolean | undefined) {
  const result = { daemonVersion: '0.1.0', device, eligibility: { eligible: true }, registered: false, orphaned };
  const request = vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ ok: true, result }));
  const orphans = new OrphanedRegistrations();
  const handlers = handleContentMessages({
    daemon: { request, state: 'connected' } as never,
    handoff: { rememberRequest: vi.fn(), forgetRequest: vi.fn(), awaitingDaemon: vi.fn(() => () => {}) },
    ceremonies: new PageCeremonies(() => {}),
    orphans,
    extensionVersion: '0.1.0',
  });
  const status = (knownCredentialIds?: string[]) =>
    handlers['page.request'](
      {
        origin: context.origin,
        request: {
          keybound: 'request',
          type: 'status',
          payload: { userName: 'ada@example.com', ...(knownCredentialIds ? { knownCredentialIds } : {}) },
        },
      },
      context,
    );
  return { request, orphans, status };
}

describe('status with the portal list', () => {
  it('should pass the portal list to the daemon and remember an orphan for the popup', async () => {
    const { request, orphans, status } = setup(true);
    const answer = await status(['abc']);
    expect(request).toHaveBeenCalledWith('status', {
      rpId: 'localhost',
      userName: 'ada@example.com',
      knownCredentialIds: ['abc'],
    });
    expect(answer).toMatchObject({ ok: true, result: { registered: false, orphaned: true } });
    expect(orphans.has(context.origin)).toBe(true);
  });

  it('should forget the orphan when the portal list includes the device credential again', async () => {
    const { orphans, status } = setup(false);
    orphans.note(context.origin, true);
    await status([]);
    expect(orphans.has(context.origin)).toBe(false);
  });

  it('should not answer orphaned, nor change the note, when the page sent no list', async () => {
    const { orphans, status } = setup(undefined);
    orphans.note(context.origin, true);
    const answer = await status();
    expect(answer).toMatchObject({ ok: true, result: { registered: false } });
    expect((answer as { result: Record<string, unknown> }).result).not.toHaveProperty('orphaned');
    expect(orphans.has(context.origin)).toBe(true);
  });
});
