/**
 * COMPAT(untested: no macOS here) — Safari's stand-in for the native-messaging host (decision
 * 0042): the containing app answers `browser.runtime.sendNativeMessage` with the same messages
 * as `keybound native-host` (`discover`, `pair`, `protect.url`; shared/protocol/nativeMessaging.ts),
 * so the rest of the extension sees the same {@link NativeHostApi}. Safari delivers our messages
 * only to our own app, but does not tell the app who sent them: each message carries this
 * extension's origin, which the daemon never pre-authorises for Safari (random per install), so
 * Safari's first pairing always asks the user. The app opens that Protect window itself
 * (`onPrompt` is not called here) and answers `pair` once the user decided.
 */
import type { z } from 'zod';
import {
  discoverResult,
  nativeResponse,
  pairResult,
  protectUrlResult,
  type SafariNativeRequest,
} from '../../../../shared/protocol/nativeMessaging.js';
import type { Outcome } from './DaemonConnection.js';
import { nextRequestId } from './DaemonConnection.js';
import { type NativeHostApi, nativeHostUnavailable } from './NativeHost.js';

/** The containing app's bundle id (Safari ignores it and always asks our own app). */
export const SAFARI_APP_ID = 'dev.keybound.safari';

export interface SafariNativeHostDeps {
  /** `browser.runtime.sendNativeMessage`. */
  sendNativeMessage: (application: string, message: unknown) => Promise<unknown>;
  /** This extension's origin, `safari-web-extension://<UUID>`. */
  extensionOrigin: string;
}

type WithoutIdAndOrigin<T> = T extends unknown ? Omit<T, 'id' | 'extensionOrigin'> : never;

const QUICK_MS = 15_000;
const PAIR_MS = 180_000;

export function createSafariNativeHost(deps: SafariNativeHostDeps): NativeHostApi {
  async function call<S extends z.ZodType>(
    message: WithoutIdAndOrigin<SafariNativeRequest>,
    schema: S,
    timeoutMs: number,
  ): Promise<Outcome<z.infer<S>>> {
    const id = nextRequestId();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<Outcome<never>>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({ ok: false, error: { code: 'ERR_TIMEOUT', message: 'The Keybound app did not answer in time.' } }),
        timeoutMs,
      );
    });
    const answer = deps
      .sendNativeMessage(SAFARI_APP_ID, { ...message, id, extensionOrigin: deps.extensionOrigin })
      .then((raw): Outcome<z.infer<S>> => {
        const parsed = nativeResponse.safeParse(raw);
        if (!parsed.success || parsed.data.id !== id || 'type' in parsed.data)
          return {
            ok: false,
            error: { code: 'ERR_INVALID_MESSAGE', message: 'The Keybound app sent an invalid answer.' },
          };
        if (!parsed.data.ok) return { ok: false, error: parsed.data.error };
        const result = schema.safeParse(parsed.data.result);
        return result.success
          ? { ok: true, result: result.data }
          : { ok: false, error: { code: 'ERR_INVALID_MESSAGE', message: 'The Keybound app sent an invalid answer.' } };
      })
      .catch((err: unknown) => ({
        ok: false as const,
        error: nativeHostUnavailable(err instanceof Error ? err.message : undefined),
      }));
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    discover: (installId) => call({ type: 'discover', installId }, discoverResult, QUICK_MS),
    // The app shows the Protect window itself: there is no prompt URL for the extension to open.
    pair: (installId) => call({ type: 'pair', installId }, pairResult, PAIR_MS),
    protectUrl: (protectId) => call({ type: 'protect.url', protectId }, protectUrlResult, QUICK_MS),
  };
}
