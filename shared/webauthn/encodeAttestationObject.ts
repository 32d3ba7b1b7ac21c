import { type CBORType, encodeCBOR } from '@levischuck/tiny-cbor';

/** An attestation statement other than 'none': its format name and its CBOR map. */
export interface AttestationStatement {
  fmt: 'tpm';
  attStmt: Map<string, CBORType>;
}

/**
 * The attestation object (WebAuthn §6.5.4) with text keys in canonical order: fmt, attStmt,
 * authData. 'none' (the file key store: enrollment is proven by the separate device statement,
 * shared/device), or 'tpm' (the TPM key store: the key's certification by the device's TPM
 * attestation key, WebAuthn §8.3).
 */
export function encodeAttestationObject(
  args: { fmt: 'none'; authData: Uint8Array } | (AttestationStatement & { authData: Uint8Array }),
): Uint8Array<ArrayBuffer> {
  if (args.fmt !== 'none' && args.fmt !== 'tpm') {
    throw new TypeError(
      `Unsupported attestation format "${String((args as { fmt: unknown }).fmt)}", expected "none" or "tpm"`,
    );
  }
  const map = new Map<string, CBORType>([
    ['fmt', args.fmt],
    ['attStmt', args.fmt === 'tpm' ? args.attStmt : new Map<string, CBORType>()],
    ['authData', args.authData],
  ]);
  return Uint8Array.from(encodeCBOR(map));
}
