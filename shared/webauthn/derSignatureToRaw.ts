/**
 * An ECDSA P-256 signature from ASN.1 DER (SEQUENCE { INTEGER r, INTEGER s }) to WebCrypto's raw
 * r ‖ s (32 bytes each). Strict: anything that is not a well-formed, minimal DER encoding of two
 * positive integers below 2^256 throws a TypeError naming what was wrong.
 */
export function derSignatureToRaw(der: Uint8Array): Uint8Array<ArrayBuffer> {
  if (der.byteLength < 8 || der[0] !== 0x30) throw new TypeError('DER signature: expected a SEQUENCE');
  if (der[1] !== der.byteLength - 2) {
    throw new TypeError(
      `DER signature: SEQUENCE length ${der[1]} does not match ${der.byteLength - 2} bytes of content`,
    );
  }
  const out = new Uint8Array(64);
  const afterR = readInteger(der, 2, out, 0);
  const afterS = readInteger(der, afterR, out, 32);
  if (afterS !== der.byteLength) throw new TypeError('DER signature: trailing bytes after s');
  return out;
}

/** Reads one INTEGER at `offset` into `out[at..at+32]` (left-padded); returns the next offset. */
function readInteger(der: Uint8Array, offset: number, out: Uint8Array, at: number): number {
  if (der[offset] !== 0x02) throw new TypeError(`DER signature: expected an INTEGER at byte ${offset}`);
  const length = der[offset + 1] ?? 0;
  const start = offset + 2;
  const end = start + length;
  if (length < 1 || length > 33 || end > der.byteLength) {
    throw new TypeError(`DER signature: bad INTEGER length ${length} at byte ${offset}`);
  }
  const first = der[start] as number;
  if (first & 0x80) throw new TypeError('DER signature: negative INTEGER');
  if (length > 1 && first === 0 && !((der[start + 1] as number) & 0x80)) {
    throw new TypeError('DER signature: INTEGER is not minimally encoded');
  }
  let body = der.subarray(start, end);
  if (body.length === 33) {
    if (body[0] !== 0) throw new TypeError('DER signature: INTEGER larger than 256 bits');
    body = body.subarray(1);
  }
  out.set(body, at + 32 - body.length);
  return end;
}
