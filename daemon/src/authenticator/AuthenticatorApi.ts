/**
 * What the authenticator offers the channel (server/, control/): the operations of protocol v1,
 * each with the context of the request the server received. The seams of the other rooms live
 * with their owners: `audit/AuditLog.ts`, `pairing/PairingStore.ts`, `protect/UserVerifier.ts`.
 */
import type { RegistrationResponseJSON, RequestOf, ResultOf } from '../../../shared/protocol/index.js';
import type { CreationOptionsJSON, RequestOptionsJSON } from '../../../shared/protocol/webauthnJson.js';
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

/** What the server calls for each authenticated request (the operations of protocol v1). */
export interface AuthenticatorApi {
  status(req: { rpId?: string; userName?: string; knownCredentialIds?: string[] }): Promise<ResultOf<'status'>>;
  register(req: { origin: string; options: CreationOptionsJSON }, ctx: RequestContext): Promise<ResultOf<'register'>>;
  signIn(req: { origin: string; options: RequestOptionsJSON }, ctx: RequestContext): Promise<ResultOf<'signIn'>>;
  listAccounts(): Promise<ResultOf<'accounts.list'>>;
  showAccount(accountId: string): Promise<ResultOf<'accounts.show'>>;
  deleteAccount(accountId: string): Promise<ResultOf<'accounts.delete'>>;
  getSettings(): Promise<ResultOf<'settings.get'>>;
  setSettings(settings: { deviceSignIn: boolean }): Promise<ResultOf<'settings.set'>>;
  /** Device-bound sessions (DBSC): the daemon holds the session key and signs proofs. */
  sessionRegister(req: Omit<RequestOf<'session.register'>, 'type' | 'id'>): Promise<ResultOf<'session.register'>>;
  sessionRefresh(req: Omit<RequestOf<'session.refresh'>, 'type' | 'id'>): Promise<ResultOf<'session.refresh'>>;
  sessionForget(req: Omit<RequestOf<'session.forget'>, 'type' | 'id'>): Promise<ResultOf<'session.forget'>>;
}

export type { RegistrationResponseJSON };
