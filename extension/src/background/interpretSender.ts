/**
 * The one place that interprets `runtime.MessageSender`. Everything else receives the typed
 * {@link SenderContext} this returns and never reads `sender.*` itself.
 *
 * Trust comes from what the browser fills in: `sender.id` (our own extension), `sender.tab`
 * (a content script in a tab), `sender.frameId` (top frame only) and `sender.origin` (the
 * frame's origin as the browser knows it). The message body's claims are never used here.
 */

/** The subset of `runtime.MessageSender` we read (the polyfill's and Chrome's types both fit). */
export interface RawSender {
  id?: string;
  url?: string;
  origin?: string;
  frameId?: number;
  tab?: { id?: number; windowId?: number };
}

export type SenderContext =
  | { kind: 'content'; tabId: number; windowId: number; frameId: 0; origin: string }
  | { kind: 'extension-page'; tabId?: number };

export type SenderResult =
  | { ok: true; context: SenderContext }
  | { ok: false; code: 'ERR_BAD_ORIGIN'; message: string };

export interface SenderPolicy {
  /** This extension's id (`runtime.id`). */
  extensionId: string;
  /** This extension's own origin, e.g. `chrome-extension://<id>`. */
  extensionOrigin: string;
  /** Whether a page origin is a configured portal or SSO login origin. */
  isServedOrigin: (origin: string) => boolean;
}

const refuse = (message: string): SenderResult => ({ ok: false, code: 'ERR_BAD_ORIGIN', message });

/** Classifies a message's sender: our own extension page, a content script on a served origin, or refused. */
export function interpretSender(sender: RawSender, policy: SenderPolicy): SenderResult {
  if (sender.id !== policy.extensionId) return refuse(`Unexpected sender "${sender.id}", expected this extension`);
  const origin = browserReportedOrigin(sender);
  if (origin === undefined) return refuse('The sender has no origin');
  if (origin === policy.extensionOrigin) {
    return {
      ok: true,
      context: { kind: 'extension-page', ...(sender.tab?.id === undefined ? {} : { tabId: sender.tab.id }) },
    };
  }
  const tabId = sender.tab?.id;
  const windowId = sender.tab?.windowId;
  if (typeof tabId !== 'number' || tabId < 0 || typeof windowId !== 'number') {
    return refuse('A content-script message must come from a tab');
  }
  // Only the top frame: an embedded frame on another site must not act for the portal tab.
  if (sender.frameId !== 0) return refuse(`Unexpected frame ${sender.frameId}, expected the top frame`);
  if (!policy.isServedOrigin(origin))
    return refuse(`Unexpected origin "${origin}", expected a configured portal origin`);
  return { ok: true, context: { kind: 'content', tabId, windowId, frameId: 0, origin } };
}

/**
 * `sender.origin` where the browser provides it. COMPAT(safari-sender-origin): Safari does not
 * set `sender.origin`; there the origin of `sender.url` (also filled in by the browser, not by
 * the page) stands in. An opaque origin (`null`, sandboxed frames, data: URLs) is refused.
 */
function browserReportedOrigin(sender: RawSender): string | undefined {
  let origin = sender.origin;
  if (origin === undefined && sender.url !== undefined) {
    try {
      origin = new URL(sender.url).origin;
    } catch {
      return undefined;
    }
  }
  if (origin === undefined || origin === 'null') return undefined;
  return origin;
}
