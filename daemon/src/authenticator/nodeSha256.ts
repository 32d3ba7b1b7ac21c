/**
 * SHA-256 from node:crypto, for the WebAuthn encoders in shared/ (their `sha256` option).
 *
 * Why not WebCrypto's `subtle.digest`: in Node 20 each digest spends ~14 µs in WebCrypto's JS
 * front-end and then waits for a libuv thread-pool round trip, ~20–50 µs per hash; a sign-in
 * needs two. `createHash` hashes 32–200 bytes in ~2 µs on the event loop. Same digest, so the
 * relying party sees no difference.
 */
import { createHash } from 'node:crypto';
import type { Sha256 } from '../../../shared/webauthn/sha256.js';

export const nodeSha256: Sha256 = (data) => createHash('sha256').update(data).digest();
