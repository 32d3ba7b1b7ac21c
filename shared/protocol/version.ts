/** Protocol version and limits shared by the extension and the daemon. */

/** The one protocol version this build speaks. The first message (`hello`) negotiates it. */
export const PROTOCOL_VERSION = 1 as const;
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [PROTOCOL_VERSION];

/** Default loopback port of the daemon. */
export const DEFAULT_DAEMON_PORT = 28170;

/** Largest accepted message on any boundary (page, content, worker, daemon), in bytes. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** Requests one connection may have in flight; more are refused with ERR_TOO_MANY_PENDING. */
export const MAX_PENDING_PER_CONNECTION = 16;

/** How long a request may wait for Protect (user verification) before it times out. */
export const PROTECT_TIMEOUT_MS = 120_000;

/** Domain separation for the pairing proof and key derivation (see pairingProof.ts). */
export const PAIRING_INFO = 'keybound-pairing-v1';
