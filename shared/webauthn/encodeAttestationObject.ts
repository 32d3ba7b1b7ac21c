import { type CBORType, encodeCBOR } from '@levischuck/tiny-cbor';

/**
 * The attestation object (WebAuthn §6.5.4) with text keys in canonical order: fmt, attStmt,
 * authData. Only the 'none' format: the device's enrollment is proven by the separate device
 * statement (shared/device), not by an attestation certificate.
 */
export function encodeAttestationObject(args: { fmt: 'none'; authData: Uint8Array }): Uint8Array<ArrayBuffer> {
  if (args.fmt !== 'none') throw new TypeError(`Unsupported attestation format "${String(args.fmt)}", expected "none"`);
  const map = new Map<string, CBORType>([
    ['fmt', args.fmt],
    ['attStmt', new Map<string, CBORType>()],
    ['authData', args.authData],
  ]);
  return Uint8Array.from(encodeCBOR(map));
}
