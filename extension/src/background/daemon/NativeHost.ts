/**
 * The extension's side of native messaging (decision 0040): one `runtime.connectNative` port per
 * call to `keybound native-host`, which the browser starts with this extension's origin. It
 * answers with the daemon's port and a pairing secret (`pair`), the port (`discover`), or a Protect
 * window's URL (`protect.url`). Where the host is missing the answer is ERR_NATIVE_HOST_UNAVAILABLE
 * with a sentence IT can act on.
 *
 * Safari: the containing app plays the host's role through `browser.runtime.sendNativeMessage`
 * with the same messages — COMPAT(untested: no macOS here).
 */
import type { z } from 'zod';
import { NATIVE_HOST_NAME } from '../../../../shared/extensionIdentity.js';
import {
  discoverResult,
  type NativeRequest,
  nativeResponse,
  pairResult,
  protectUrlResult,
} from '../../../../shared/protocol/nativeMessaging.js';
import type { Outcome } from './DaemonConnection.js';
import { nextRequestId } from './DaemonConnection.js';

/** The parts of chrome.runtime.Port we use. */
export interface NativePort {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(fn: (message: unknown) => void): void };
  onDisconnect: { addListener(fn: () => void): void };
}

export interface NativeHostDeps {
  /** `chrome.runtime.connectNative`; throws or disconnects at once when the host is missing. */
  connect: (name: string) => NativePort;
  /** `chrome.runtime.lastError?.message` after a disconnect. */
  lastError: () => string | undefined;
}

export interface NativeHostApi {
  discover(installId: string): Promise<Outcome<z.infer<typeof discoverResult>>>;
  pair(installId: string, onPrompt: (url: string) => void): Promise<Outcome<z.infer<typeof pairResult>>>;
  protectUrl(protectId: string): Promise<Outcome<z.infer<typeof protectUrlResult>>>;
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

const QUICK_MS = 15_000;
const PAIR_MS = 180_000;

/** What the popup and page say when native messaging does not work. */
export function nativeHostUnavailable(detail: string | undefined): { code: string; message: string } {
  return {
    code: 'ERR_NATIVE_HOST_UNAVAILABLE',
    message: `Keybound cannot reach its native messaging host${detail ? ` (${detail.slice(0, 200)})` : ''}. IT: install it for this user with "keybound native-host install" (or "keybound install") and make sure the Keybound daemon runs, then restart the browser.`,
  };
}

export function createNativeHost(deps: NativeHostDeps): NativeHostApi {
  function call<S extends z.ZodType>(
    message: WithoutId<NativeRequest>,
    schema: S,
    timeoutMs: number,
    onPrompt?: (url: string) => void,
  ): Promise<Outcome<z.infer<S>>> {
    const id = nextRequestId();
    return new Promise((resolve) => {
      let port: NativePort;
      let settled = false;
      const finish = (outcome: Outcome<z.infer<S>>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        try {
          port.disconnect();
        } catch {
          // already gone
        }
        resolve(outcome);
      };
      const timer = setTimeout(
        () =>
          finish({
            ok: false,
            error: { code: 'ERR_TIMEOUT', message: 'The native messaging host did not answer in time.' },
          }),
        timeoutMs,
      );
      try {
        port = deps.connect(NATIVE_HOST_NAME);
      } catch (err) {
        port = {
          postMessage() {},
          disconnect() {},
          onMessage: { addListener() {} },
          onDisconnect: { addListener() {} },
        };
        finish({ ok: false, error: nativeHostUnavailable(err instanceof Error ? err.message : undefined) });
        return;
      }
      port.onDisconnect.addListener(() => finish({ ok: false, error: nativeHostUnavailable(deps.lastError()) }));
      port.onMessage.addListener((raw) => {
        const parsed = nativeResponse.safeParse(raw);
        if (!parsed.success || parsed.data.id !== id) return;
        const m = parsed.data;
        if ('type' in m) return onPrompt?.(m.url);
        if (!m.ok) return finish({ ok: false, error: m.error });
        const result = schema.safeParse(m.result);
        finish(
          result.success
            ? { ok: true, result: result.data }
            : { ok: false, error: { code: 'ERR_INVALID_MESSAGE', message: 'The native host sent an invalid answer.' } },
        );
      });
      port.postMessage({ ...message, id });
    });
  }
  return {
    discover: (installId) => call({ type: 'discover', installId }, discoverResult, QUICK_MS),
    pair: (installId, onPrompt) => call({ type: 'pair', installId }, pairResult, PAIR_MS, onPrompt),
    protectUrl: (protectId) => call({ type: 'protect.url', protectId }, protectUrlResult, QUICK_MS),
  };
}
