/** What the authenticator needs; passed in so tests swap any part without monkey-patching. */
import type { CryptoProvider } from '../../../shared/crypto/index.js';
import type { Logger } from '../../../shared/node/createLogger.js';
import type { AuditLog } from '../audit/AuditLog.js';
import type { DeviceProfileSource } from '../device/deviceProfile.js';
import type { KeyStore } from '../keys/KeyStore.js';
import type { UserVerifier } from '../protect/UserVerifier.js';
import type { SessionKeyFile } from '../sessions/SessionKeyFile.js';
import type { CredentialStore } from '../storage/CredentialStore.js';
import type { TotpStore } from '../storage/TotpStore.js';

export interface AuthenticatorDeps {
  profile: DeviceProfileSource;
  keyStore: KeyStore;
  credentials: CredentialStore;
  totp: TotpStore;
  /** Protect: resolves only after the user approved (biometrics or PIN). */
  verifier: UserVerifier;
  audit: AuditLog;
  logger: Logger;
  /** Device-bound session keys (DBSC); without it session requests are refused. */
  sessionKeys?: SessionKeyFile;
  crypto?: CryptoProvider;
  now?: () => Date;
}
