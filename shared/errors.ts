/**
 * Keybound's typed errors. Every failure that crosses a boundary carries a stable `code` from
 * {@link ErrorCode}; callers `switch (err.code)`. The wire carries `{ code, message }` only —
 * never a stack. Programmer misuse throws `TypeError` instead (see STYLE.md).
 */
import type { z } from 'zod';
import type { wireError } from './protocol/common.js';

/** Failures of the extension ⇄ daemon channel and of any message boundary. */
export type ChannelErrorCode =
  | 'ERR_BAD_HOST'
  | 'ERR_BAD_ORIGIN'
  | 'ERR_MESSAGE_TOO_LARGE'
  | 'ERR_MALFORMED_JSON'
  | 'ERR_INVALID_MESSAGE'
  | 'ERR_UNSUPPORTED_VERSION'
  | 'ERR_HANDSHAKE_REQUIRED'
  | 'ERR_NOT_PAIRED'
  | 'ERR_PAIRING_PROOF_INVALID'
  | 'ERR_PAIRING_DENIED'
  | 'ERR_TOO_MANY_PENDING'
  | 'ERR_RATE_LIMITED'
  | 'ERR_TIMEOUT'
  | 'ERR_DAEMON_UNAVAILABLE'
  | 'ERR_EXTENSION_UNAVAILABLE'
  | 'ERR_NATIVE_HOST_UNAVAILABLE'
  | 'ERR_CONTROL_SOCKET_UNSAFE'
  | 'ERR_INTERNAL';

/** Registration prerequisites (DESIGN.md, "Prerequisites"): each has its own code and advice. */
export type PrerequisiteErrorCode =
  | 'ERR_NOT_ENROLLED'
  | 'ERR_ENROLLMENT_UNKNOWN'
  | 'ERR_PROTECT_NOT_INSTALLED'
  | 'ERR_PROTECT_NOT_MANAGED'
  | 'ERR_PROTECT_TAKEOVER_PENDING'
  | 'ERR_PROTECT_PERSONAL_COPY'
  | 'ERR_PROTECT_NOT_OPENED'
  | 'ERR_NOTIFICATIONS_OFF'
  | 'ERR_UV_NOT_CONFIGURED'
  | 'ERR_WORK_PROFILE_UV_NOT_CONFIGURED'
  | 'ERR_DEVICE_SIGNIN_DISABLED';

/**
 * Protect (user verification) outcomes that end a request. `ERR_UV_UNAVAILABLE`: this device has
 * no way to verify the user (no OS backend, polkit or its action missing); `ERR_UV_NO_AGENT`: the
 * OS could ask, but no prompt can be shown (no polkit authentication agent in the session).
 */
export type ProtectErrorCode =
  | 'ERR_USER_DENIED'
  | 'ERR_USER_VERIFICATION_TIMEOUT'
  | 'ERR_UV_UNAVAILABLE'
  | 'ERR_UV_NO_AGENT';

/** Authenticator-side WebAuthn failures (daemon). */
export type AuthenticatorErrorCode =
  | 'ERR_RP_ID_MISMATCH'
  | 'ERR_ALGORITHM_UNSUPPORTED'
  | 'ERR_CREDENTIAL_EXCLUDED'
  | 'ERR_CREDENTIAL_NOT_FOUND';

/** Key store and state files. */
export type KeyStoreErrorCode =
  | 'ERR_KEYSTORE_WRONG_MACHINE'
  | 'ERR_KEYSTORE_CORRUPT'
  | 'ERR_KEY_NOT_FOUND'
  | 'ERR_STATE_CORRUPT'
  | 'ERR_UNSAFE_PERMISSIONS'
  | 'ERR_KEYSTORE_OTHER_TPM'
  | 'ERR_TPM_UNAVAILABLE'
  | 'ERR_TPM_FAILED';

/** Device management operations of the daemon (enrollment, Protect accounts, device settings). */
export type DeviceErrorCode =
  | 'ERR_ENROLLMENT_FAILED'
  | 'ERR_TOTP_URI_INVALID'
  | 'ERR_ACCOUNT_NOT_FOUND'
  | 'ERR_INVALID_SETTING';

/** Portal (relying party, identity provider) failures; each maps to an HTTP status. */
export type PortalErrorCode =
  | 'ERR_BAD_REQUEST'
  | 'ERR_PAYLOAD_TOO_LARGE'
  | 'ERR_UNAUTHENTICATED'
  | 'ERR_FORBIDDEN'
  | 'ERR_NOT_FOUND'
  | 'ERR_CONFLICT'
  | 'ERR_CSRF'
  | 'ERR_THROTTLED'
  | 'ERR_BAD_CREDENTIALS'
  | 'ERR_MFA_REQUIRED'
  | 'ERR_BAD_MFA_CODE'
  | 'ERR_CHALLENGE_INVALID'
  | 'ERR_VERIFICATION_FAILED'
  | 'ERR_DEVICE_STATEMENT_INVALID'
  | 'ERR_DEVICE_NOT_ENROLLED'
  | 'ERR_DEVICE_REVOKED'
  | 'ERR_DEVICE_NOT_TRUSTED'
  | 'ERR_ENROLLMENT_TOKEN_INVALID'
  // Hardware keys, issue 10: attestation refused; a software key where the policy requires hardware.
  | 'ERR_ATTESTATION_INVALID'
  | 'ERR_HARDWARE_KEY_REQUIRED'
  // Device-bound sessions (DBSC) and posture, issue 11: each refusal of a refresh has its own code.
  | 'ERR_DBSC_SESSION_UNKNOWN'
  | 'ERR_DBSC_PROOF_FORGED'
  | 'ERR_DBSC_PROOF_REPLAYED'
  | 'ERR_DBSC_PROOF_STALE'
  | 'ERR_DBSC_WRONG_KEY'
  | 'ERR_DBSC_BINDING_REQUIRED'
  | 'ERR_POSTURE_BLOCKED'
  | 'ERR_STORE_UNAVAILABLE';

/** IT deployment tooling: packing the extension, policy files, install, doctor (deploy/, daemon/src/install/). */
export type DeployErrorCode =
  | 'ERR_SIGNING_KEY_INVALID'
  | 'ERR_EXTENSION_BUILD_MISSING'
  | 'ERR_BAD_URL'
  | 'ERR_BAD_EXTENSION_ID'
  | 'ERR_BAD_POLICY_VALUE'
  | 'ERR_PACK_FAILED'
  | 'ERR_EXTENSION_DIR_INVALID';

export type ErrorCode =
  | ChannelErrorCode
  | DeployErrorCode
  | PrerequisiteErrorCode
  | ProtectErrorCode
  | AuthenticatorErrorCode
  | KeyStoreErrorCode
  | DeviceErrorCode
  | PortalErrorCode;

/**
 * The shape of an error on every wire: a code and a sentence a person can act on. Its schema is
 * `wireError` (protocol/common.ts); a code received from another part may be one this build does
 * not know, hence `string`.
 */
export type WireError = z.infer<typeof wireError>;

/** Base class: sets `code`, `name` and `cause`. Subclasses name the family. */
export class KeyboundError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  /** What crosses a boundary: `{ code, message }`, never the stack or the cause. */
  toWire(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export class ChannelError extends KeyboundError {
  declare readonly code: ChannelErrorCode;
  constructor(code: ChannelErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export class PrerequisiteError extends KeyboundError {
  declare readonly code: PrerequisiteErrorCode;
  constructor(code: PrerequisiteErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export class ProtectError extends KeyboundError {
  declare readonly code: ProtectErrorCode;
  constructor(code: ProtectErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export class AuthenticatorError extends KeyboundError {
  declare readonly code: AuthenticatorErrorCode;
  constructor(code: AuthenticatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export class KeyStoreError extends KeyboundError {
  declare readonly code: KeyStoreErrorCode;
  constructor(code: KeyStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export class DeviceError extends KeyboundError {
  declare readonly code: DeviceErrorCode;
  constructor(code: DeviceErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export class DeployError extends KeyboundError {
  declare readonly code: DeployErrorCode;
  constructor(code: DeployErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

const portalStatus: Record<PortalErrorCode, number> = {
  ERR_BAD_REQUEST: 400,
  ERR_PAYLOAD_TOO_LARGE: 413,
  ERR_UNAUTHENTICATED: 401,
  ERR_FORBIDDEN: 403,
  ERR_NOT_FOUND: 404,
  ERR_CONFLICT: 409,
  ERR_CSRF: 403,
  ERR_THROTTLED: 429,
  ERR_BAD_CREDENTIALS: 401,
  ERR_MFA_REQUIRED: 401,
  ERR_BAD_MFA_CODE: 401,
  ERR_CHALLENGE_INVALID: 400,
  ERR_VERIFICATION_FAILED: 400,
  ERR_DEVICE_STATEMENT_INVALID: 400,
  ERR_DEVICE_NOT_ENROLLED: 403,
  ERR_DEVICE_REVOKED: 403,
  ERR_DEVICE_NOT_TRUSTED: 403,
  ERR_ENROLLMENT_TOKEN_INVALID: 401,
  ERR_ATTESTATION_INVALID: 400,
  ERR_HARDWARE_KEY_REQUIRED: 403,
  // DBSC clients terminate a session on 4xx other than 403; 403 asks them to sign a new challenge.
  ERR_DBSC_SESSION_UNKNOWN: 401,
  ERR_DBSC_PROOF_FORGED: 401,
  ERR_DBSC_PROOF_REPLAYED: 401,
  ERR_DBSC_PROOF_STALE: 403,
  ERR_DBSC_WRONG_KEY: 401,
  ERR_DBSC_BINDING_REQUIRED: 401,
  ERR_POSTURE_BLOCKED: 403,
  ERR_STORE_UNAVAILABLE: 503,
};

/** A portal failure; carries its HTTP status (details are only exposed below 500). */
export class PortalError extends KeyboundError {
  declare readonly code: PortalErrorCode;
  readonly status: number;
  constructor(code: PortalErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.status = portalStatus[code];
  }
}

/** Turns anything thrown into a wire error; unknown failures become ERR_INTERNAL without detail. */
export function toWireError(err: unknown): WireError {
  if (err instanceof KeyboundError) return err.toWire();
  return { code: 'ERR_INTERNAL', message: 'Internal error. See the daemon log for details.' };
}
