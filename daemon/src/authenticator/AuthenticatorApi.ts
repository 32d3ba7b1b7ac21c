/**
 * What the authenticator offers the channel (server/, control/): the operations of protocol v1,
 * each with the context of the request the server received. The seams of the other rooms live
 * with their owners: `audit/AuditLog.ts`, `pairing/PairingStore.ts`, `protect/UserVerifier.ts`.
 */
import type { PayloadOf, RegistrationResponseJSON, ResultOf } from '../../../shared/protocol/index.js';
import type { ProtectEventSink } from '../protect/ProtectEventSink.js';

/** Context of one request, supplied by the server from the authenticated connection. */
export interface RequestContext {
  requestId: string;
  browser: string;
  /** Aborted when the request is abandoned (its connection closed, or its requester cancelled it). */
  signal?: AbortSignal;
  /** Where Protect's events for this request go: the connection that asked. */
  events?: ProtectEventSink;
}

/**
 * What the server calls for each authenticated request (the operations of protocol v1). The
 * parameters and results are the protocol's own (shared/protocol/messages.ts), never restated.
 */
export interface AuthenticatorApi {
  status(req: PayloadOf<'status'>): Promise<ResultOf<'status'>>;
  register(req: PayloadOf<'register'>, ctx: RequestContext): Promise<ResultOf<'register'>>;
  signIn(req: PayloadOf<'signIn'>, ctx: RequestContext): Promise<ResultOf<'signIn'>>;
  listAccounts(): Promise<ResultOf<'accounts.list'>>;
  showAccount(accountId: PayloadOf<'accounts.show'>['accountId']): Promise<ResultOf<'accounts.show'>>;
  deleteAccount(accountId: PayloadOf<'accounts.delete'>['accountId']): Promise<ResultOf<'accounts.delete'>>;
  getSettings(): Promise<ResultOf<'settings.get'>>;
  setSettings(settings: PayloadOf<'settings.set'>): Promise<ResultOf<'settings.set'>>;
  /** Device-bound sessions (DBSC): the daemon holds the session key and signs proofs. */
  sessionRegister(req: PayloadOf<'session.register'>): Promise<ResultOf<'session.register'>>;
  sessionRefresh(req: PayloadOf<'session.refresh'>): Promise<ResultOf<'session.refresh'>>;
  sessionForget(req: PayloadOf<'session.forget'>): Promise<ResultOf<'session.forget'>>;
}

export type { RegistrationResponseJSON };
