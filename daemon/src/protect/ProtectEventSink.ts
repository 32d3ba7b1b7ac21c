/**
 * Where a Protect prompt's events (`protect.request`, `protect.done`) go: to the connection that
 * asked. The sink travels with the request, like its `signal`: the server puts it in the
 * request's context (authenticator/AuthenticatorApi.ts `RequestContext.events`), the ceremony
 * hands it on in the `VerificationRequest` (UserVerifier.ts), and the Protect queue sends to it. A request
 * made without a connection (the CLI, a test) has none.
 *
 * Why passed by hand and not through AsyncLocalStorage: in Node 20, once one is used, async_hooks
 * promise hooks run for every promise in the process (~0.17 µs per await, measured), on every
 * request.
 */
import type { ProtectDoneEvent, ProtectRequestEvent } from '../../../shared/protocol/index.js';

export interface ProtectEventSink {
  send(event: ProtectRequestEvent | ProtectDoneEvent): void;
  /**
   * The extension the requesting connection is authenticated as (a WebSocket after its upgrade
   * proof, or the origin the browser gave the native host). Only a native host vouched for this
   * origin may fetch the request's approval URL (decision 0040).
   */
  extensionOrigin?: string;
}
