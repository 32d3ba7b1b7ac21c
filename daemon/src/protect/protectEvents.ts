/**
 * Routes Protect events (`protect.request`, `protect.done`) to the connection that asked.
 *
 * The authenticator calls `UserVerifier.verify` deep inside a register or sign-in; the seam
 * (authenticator/AuthenticatorApi.ts) carries no connection, but every request made for a connection carries
 * that connection's AbortSignal (`signal`, aborted when it closes). The server attaches the
 * connection's sink to its signal, and the Protect queue looks the sink up by the request's
 * signal, so events reach the right socket without threading a connection through the device side.
 *
 * Why not AsyncLocalStorage (as before): in Node 20, once one is used, async_hooks promise hooks
 * run for every promise in the process (~0.17 µs per await, measured), on every request.
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

/** Weak: a closed connection's signal and sink go with it. */
const sinks = new WeakMap<AbortSignal, ProtectEventSink>();

/** Sends Protect events of requests carrying `signal` (a connection's lifetime signal) to `sink`. */
export function attachProtectSink(signal: AbortSignal, sink: ProtectEventSink): void {
  sinks.set(signal, sink);
}

/** The sink of the connection a request came from, if any (none for CLI-driven or test calls). */
export function protectSinkOf(signal: AbortSignal | undefined): ProtectEventSink | undefined {
  return signal && sinks.get(signal);
}
