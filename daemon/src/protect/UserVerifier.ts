/**
 * The seam through which the authenticator asks for user verification. Its owner is Protect
 * (this room): the emulated Protect queue (`--device emulator`) and the OS verifiers of host mode
 * (polkit on Linux; LocalAuthentication on macOS and Windows Hello, untested) implement it.
 */
import type { ProtectEventSink } from './ProtectEventSink.js';

/** What Protect is asked to approve. */
export type ProtectAction = 'pair' | 'register' | 'signIn';

/** One user-verification request, as Protect shows it to the user. */
export interface VerificationRequest {
  action: ProtectAction;
  /** The origin that asked: the portal tab's origin, or the extension's origin for pairing. */
  origin: string;
  rpId?: string;
  userName?: string;
  /** Browser name for display ("Chrome", "Safari"). */
  browser: string;
  /** The protocol request id on the connection that asked, so its events can be routed. */
  requestId: string;
  /** Aborted when the request is abandoned: its connection closed, or its requester cancelled it. */
  signal?: AbortSignal;
  /** Where the prompt's events go (the connection that asked); none for the CLI. */
  events?: ProtectEventSink;
}

/**
 * Protect's user verification (biometrics or PIN). Resolves when the user approved; rejects with
 * a ProtectError (`ERR_USER_DENIED`, `ERR_USER_VERIFICATION_TIMEOUT`) otherwise. The daemon's
 * implementation is the Protect queue (protect/): emulated page, CLI, or `--uv auto|deny`.
 */
export interface UserVerifier {
  verify(request: VerificationRequest): Promise<VerifiedHandle>;
}

/** Returned by a successful verification; `complete` reports the operation's final outcome to Protect. */
export interface VerifiedHandle {
  complete(outcome: { ok: true } | { ok: false; code: string; message: string }): void;
}
