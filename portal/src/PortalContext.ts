import type { Logger } from '../../shared/node/createLogger.js';
import type { PortalDb } from './db/openDatabase.js';
import type { HashingBudget } from './security/HashingBudget.js';

/** Milliseconds since the epoch; injected so tests can move time (throttle, TOTP, expiry). */
export type Clock = () => number;

/** Where the portal is reached and what it calls itself, resolved once at start. */
export interface PortalConfig {
  /** The canonical origin users and WebAuthn see, e.g. `http://localhost:8080`. */
  origin: string;
  /** `host[:port]` of {@link origin}; other Host headers are redirected or refused. */
  host: string;
  /** WebAuthn RP ID (a host name, no port), e.g. `localhost`. */
  rpId: string;
  /** Shown by authenticators and on pages. */
  rpName: string;
  /** The OpenID Connect issuer; defaults to {@link origin}. */
  issuer: string;
  /** True when the origin is https: cookies get `Secure`. */
  secureCookies: boolean;
  /**
   * Load balancers whose `X-Forwarded-For` names the client (express `trust proxy` values:
   * addresses, CIDRs, `loopback`, `uniquelocal`…). Empty or absent: the TCP peer is the client.
   */
  trustProxy?: readonly string[];
  /** TPM manufacturer roots and intermediates trusted for EK certificates (`--tpm-roots`); none: no TPM attestation. */
  tpmRoots?: readonly import('node:crypto').X509Certificate[];
}

/** Everything a route or an extension (OIDC) needs; passed in, never global. */
export interface PortalContext {
  db: PortalDb;
  config: PortalConfig;
  logger: Logger;
  clock: Clock;
  /** Every password hash a client can cause runs through this budget (security/HashingBudget.ts). */
  hashing: HashingBudget;
}
