/**
 * The seams between the daemon's channel (server/, protect/) and its device side (device/,
 * keys/, authenticator/). The server owns connections, pairing handshakes and the Protect
 * front-ends; the authenticator owns device state, keys and WebAuthn. Both sides code against
 * these types; tests swap implementations without monkey-patching.
 */
import type { RegistrationResponseJSON, ResultOf } from '../../../shared/protocol/index.js';
import type { CreationOptionsJSON, RequestOptionsJSON } from '../../../shared/protocol/webauthnJson.js';

/** Context of one request, supplied by the server from the authenticated connection. */
export interface RequestContext {
  requestId: string;
  browser: string;
  signal?: AbortSignal;
}

/** What the server calls for each authenticated request (the operations of protocol v1). */
export interface AuthenticatorApi {
  status(req: { rpId?: string; userName?: string }): Promise<ResultOf<'status'>>;
  register(req: { origin: string; options: CreationOptionsJSON }, ctx: RequestContext): Promise<ResultOf<'register'>>;
  signIn(req: { origin: string; options: RequestOptionsJSON }, ctx: RequestContext): Promise<ResultOf<'signIn'>>;
  listAccounts(): Promise<ResultOf<'accounts.list'>>;
  showAccount(accountId: string): Promise<ResultOf<'accounts.show'>>;
  deleteAccount(accountId: string): Promise<ResultOf<'accounts.delete'>>;
  getSettings(): Promise<ResultOf<'settings.get'>>;
  setSettings(settings: { deviceSignIn: boolean }): Promise<ResultOf<'settings.set'>>;
}

/** A paired extension install, kept sealed at rest (the secret never leaves the daemon). */
export interface PairingRecord {
  installId: string;
  extensionOrigin: string;
  secret: Uint8Array<ArrayBuffer>;
  browser: string;
  pairedAt: string;
  lastSeenAt: string | null;
}

/** Storage of pairing records; sealed like the key store (machine- and user-bound). */
export interface PairingStore {
  get(installId: string): Promise<PairingRecord | undefined>;
  put(record: PairingRecord): Promise<void>;
  list(): Promise<PairingRecord[]>;
  touch(installId: string, at: string): Promise<void>;
}

/** Append-only audit log of pairings, registrations, sign-ins, approvals and denials. No secrets. */
export interface AuditLog {
  record(event: AuditEvent, fields?: Record<string, string | number | boolean | null | undefined>): void;
  /**
   * Throws ERR_STATE_CORRUPT when the log cannot be written (a damaged audit.log, a full disk):
   * registrations and sign-ins check this first, so none happens without its audit line.
   */
  assertWritable?(): void;
}

export type AuditEvent =
  | 'pairing.requested'
  | 'pairing.approved'
  | 'pairing.denied'
  | 'pairing.preauthorized'
  | 'auth.failed'
  | 'protect.approved'
  | 'protect.denied'
  | 'protect.timeout'
  | 'registration.succeeded'
  | 'registration.refused'
  | 'signin.succeeded'
  | 'signin.refused'
  | 'account.deleted'
  | 'settings.changed'
  | 'protect.installed'
  | 'protect.uninstalled'
  | 'device.enrolled'
  | 'device.unenrolled';

export type { RegistrationResponseJSON };
