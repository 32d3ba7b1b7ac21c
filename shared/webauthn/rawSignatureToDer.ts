/**
 * An ECDSA P-256 signature from WebCrypto's raw form (r ‖ s, 32 bytes each) to the ASN.1 DER
 * form WebAuthn requires: SEQUENCE { INTEGER r, INTEGER s }. INTEGERs are minimal: leading zero
 * bytes are dropped, and a 0x00 is prepended when the high bit is set (DER integers are signed).
 */
export function rawSignatureToDer(raw: Uint8Array): Uint8Array<ArrayBuffer> {
  if (raw.byteLength !== 64) throw new TypeError(`Expected a 64-byte raw P-256 signature, got ${raw.byteLength} bytes`);
  const r = derInteger(raw.subarray(0, 32));
  const s = derInteger(raw.subarray(32, 64));
  // At most 2 × (2 + 33) = 70 bytes of content: the short length form always suffices.
  const out = new Uint8Array(2 + r.length + s.length);
  out[0] = 0x30;
  out[1] = r.length + s.length;
  out.set(r, 2);
  out.set(s, 2 + r.length);
  return out;
}

function derInteger(unsigned: Uint8Array): Uint8Array {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const body = unsigned.subarray(start);
  const pad = (body[0] as number) & 0x80 ? 1 : 0;
  const out = new Uint8Array(2 + pad + body.length);
  out[0] = 0x02;
  out[1] = pad + body.length;
  out.set(body, 2 + pad);
  return out;
}
