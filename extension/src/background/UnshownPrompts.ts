/**
 * Protect requests whose window could not be shown: the native host gave no URL for it, the URL
 * was not the daemon's own, or the browser did not open the window. Nobody can answer such a
 * request, so it is cancelled at the daemon at once and the page that asked hears why, instead
 * of waiting out Protect's two minutes in front of nothing.
 */
import type { WireError } from '../../../shared/errors.js';

/** Reasons kept for requests no page collects (e.g. a bound-session refresh): the oldest go first. */
const MAX_KEPT = 32;

export class UnshownPrompts {
  private readonly reasons = new Map<string, WireError>();

  /** `cancel` asks the daemon to cancel one request (fire and forget). */
  constructor(private readonly cancel: (requestId: string) => void) {}

  /** The request's window could not be shown because of `reason`: cancel it, and keep why. */
  fail(requestId: string, reason: WireError): void {
    this.reasons.set(requestId, reason);
    if (this.reasons.size > MAX_KEPT) this.reasons.delete(this.reasons.keys().next().value as string);
    this.cancel(requestId);
  }

  /** Why the request's window was never shown (once; undefined when it was shown). */
  take(requestId: string): WireError | undefined {
    const reason = this.reasons.get(requestId);
    this.reasons.delete(requestId);
    return reason;
  }
}
