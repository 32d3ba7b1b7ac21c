/**
 * Routes Protect events (`protect.request`, `protect.done`) to the connection that asked.
 *
 * The authenticator calls `UserVerifier.verify` deep inside a register or sign-in; the seam
 * (authenticator/types.ts) carries no connection. The server runs each request inside
 * `protectEventScope.run(sink, …)`, and the Protect queue picks up the sink of the current async
 * context, so events reach the right socket without threading a connection through the device side.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ProtectDoneEvent, ProtectRequestEvent } from '../../../shared/protocol/index.js';

export interface ProtectEventSink {
  send(event: ProtectRequestEvent | ProtectDoneEvent): void;
}

export const protectEventScope = new AsyncLocalStorage<ProtectEventSink>();

/** The sink of the request being handled, if any (none for CLI-driven or test calls). */
export function currentProtectSink(): ProtectEventSink | undefined {
  return protectEventScope.getStore();
}
