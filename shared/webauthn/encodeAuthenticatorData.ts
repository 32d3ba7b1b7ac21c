import { concatBytes } from './concatBytes.js';

/** Authenticator data flag bits (WebAuthn §6.1). */
export const AUTHENTICATOR_FLAGS = { up: 0x01, uv: 0x04, be: 0x08, bs: 0x10, at: 0x40 } as const;

export interface AuthenticatorFlags {
  /** User present. */
  up: boolean;
  /** User verified: set only after Protect verified the user. */
  uv: boolean;
  /** Attested credential data included; defaults to whether `attestedCredentialData` is given. */
  at?: boolean;
  /** Backup eligible / backed up: always off for a device-bound credential. */
  be?: boolean;
  bs?: boolean;
}

/**
 * Authenticator data (WebAuthn §6.1): rpIdHash (32) ‖ flags (1) ‖ signCount (u32 BE) ‖
 * attestedCredentialData?. Flags are taken as given (tests craft inconsistent ones on purpose).
 */
export function encodeAuthenticatorData(args: {
  rpIdHash: Uint8Array;
  flags: AuthenticatorFlags;
  signCount: number;
  attestedCredentialData?: Uint8Array;
}): Uint8Array<ArrayBuffer> {
  const { rpIdHash, flags, signCount, attestedCredentialData } = args;
  if (rpIdHash.byteLength !== 32) throw new TypeError(`rpIdHash must be 32 bytes, got ${rpIdHash.byteLength}`);
  if (!Number.isInteger(signCount) || signCount < 0 || signCount > 0xffff_ffff) {
    throw new TypeError(`signCount must be an unsigned 32-bit integer, got ${signCount}`);
  }
  const at = flags.at ?? attestedCredentialData !== undefined;
  let bits = 0;
  if (flags.up) bits |= AUTHENTICATOR_FLAGS.up;
  if (flags.uv) bits |= AUTHENTICATOR_FLAGS.uv;
  if (flags.be) bits |= AUTHENTICATOR_FLAGS.be;
  if (flags.bs) bits |= AUTHENTICATOR_FLAGS.bs;
  if (at) bits |= AUTHENTICATOR_FLAGS.at;
  const counter = new Uint8Array(4);
  new DataView(counter.buffer).setUint32(0, signCount, false);
  return concatBytes(rpIdHash, new Uint8Array([bits]), counter, attestedCredentialData ?? new Uint8Array(0));
}
