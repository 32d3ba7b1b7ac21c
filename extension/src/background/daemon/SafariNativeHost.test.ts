import { describe, expect, it } from 'vitest';
import { createSafariNativeHost, SAFARI_APP_ID } from './SafariNativeHost.js';

const ORIGIN = 'safari-web-extension://0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D';
const INSTALL = 'i'.repeat(24);

describe('createSafariNativeHost (COMPAT(untested: no macOS here): the containing app plays the host)', () => {
  it('should send the same messages as the Chrome host, naming this extension, and parse the answers', async () => {
    const sent: { app: string; message: Record<string, unknown> }[] = [];
    const host = createSafariNativeHost({
      extensionOrigin: ORIGIN,
      sendNativeMessage: async (app, message) => {
        const m = message as Record<string, unknown>;
        sent.push({ app, message: m });
        return m.type === 'pair'
          ? { id: m.id, ok: true, result: { port: 41234, secret: 'a'.repeat(43), pairedAt: '2026-11-30T00:00:00Z' } }
          : { id: m.id, ok: true, result: { port: 41234, daemonVersion: '0.1.0', paired: false } };
      },
    });
    expect(await host.discover(INSTALL)).toEqual({
      ok: true,
      result: { port: 41234, daemonVersion: '0.1.0', paired: false },
    });
    expect(await host.pair(INSTALL, () => {})).toMatchObject({ ok: true, result: { port: 41234 } });
    expect(sent.map((s) => s.app)).toEqual([SAFARI_APP_ID, SAFARI_APP_ID]);
    expect(sent[1]!.message).toMatchObject({ type: 'pair', installId: INSTALL, extensionOrigin: ORIGIN });
  });

  it('should say what is wrong, in the Chrome host sentence, when the app is missing', async () => {
    const host = createSafariNativeHost({
      extensionOrigin: ORIGIN,
      sendNativeMessage: () => Promise.reject(new Error('No native application')),
    });
    expect(await host.discover(INSTALL)).toMatchObject({
      ok: false,
      error: { code: 'ERR_NATIVE_HOST_UNAVAILABLE', message: expect.stringContaining('No native application') },
    });
  });

  it('should refuse an answer for another request or of the wrong shape', async () => {
    for (const answer of [
      { id: 'other', ok: true, result: {} },
      { id: 'x', type: 'protect.request', url: 'http://127.0.0.1:1/protect/abcdefgh' },
      'not an object',
    ]) {
      const host = createSafariNativeHost({ extensionOrigin: ORIGIN, sendNativeMessage: async () => answer });
      expect(await host.protectUrl('abcdefgh')).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_MESSAGE' } });
    }
  });

  it('should pass on the daemon refusing, with its code', async () => {
    const host = createSafariNativeHost({
      extensionOrigin: ORIGIN,
      sendNativeMessage: async (_app, m) => ({
        id: (m as { id: string }).id,
        ok: false,
        error: { code: 'ERR_PAIRING_DENIED', message: 'Pairing was denied in Protect.' },
      }),
    });
    expect(await host.pair(INSTALL, () => {})).toEqual({
      ok: false,
      error: { code: 'ERR_PAIRING_DENIED', message: 'Pairing was denied in Protect.' },
    });
  });
});
