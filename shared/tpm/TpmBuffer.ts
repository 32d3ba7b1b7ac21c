/**
 * Big-endian writer and bounds-checked reader for TPM 2.0 wire structures. Reading past the end
 * throws a TpmFormatError (never returns garbage), so a truncated or hostile structure from a
 * TPM, a file or a device is refused with a message.
 */

/** A structure that does not parse. */
export class TpmFormatError extends Error {
  override readonly name = 'TpmFormatError';
}

export class TpmWriter {
  private readonly parts: number[] = [];

  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    this.parts.push((v >>> 8) & 0xff, v & 0xff);
    return this;
  }
  u32(v: number): this {
    this.parts.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    return this;
  }
  bytes(b: Uint8Array): this {
    for (const x of b) this.parts.push(x);
    return this;
  }
  /** A TPM2B: 16-bit size, then the bytes. */
  sized(b: Uint8Array): this {
    return this.u16(b.byteLength).bytes(b);
  }
  toBytes(): Uint8Array<ArrayBuffer> {
    return Uint8Array.from(this.parts);
  }
}

export class TpmReader {
  private offset = 0;

  constructor(
    private readonly buf: Uint8Array,
    private readonly what = 'TPM structure',
  ) {}

  get remaining(): number {
    return this.buf.byteLength - this.offset;
  }

  private need(n: number): void {
    if (this.offset + n > this.buf.byteLength) {
      throw new TpmFormatError(`${this.what} is truncated: needs ${n} more bytes at offset ${this.offset}`);
    }
  }
  u8(): number {
    this.need(1);
    return this.buf[this.offset++] as number;
  }
  u16(): number {
    this.need(2);
    const v = ((this.buf[this.offset] as number) << 8) | (this.buf[this.offset + 1] as number);
    this.offset += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const b = this.buf;
    const o = this.offset;
    this.offset += 4;
    return (
      (((b[o] as number) << 24) | ((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number)) >>>
      0
    );
  }
  u64(): bigint {
    const hi = this.u32();
    const lo = this.u32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }
  bytes(n: number): Uint8Array<ArrayBuffer> {
    this.need(n);
    const out = this.buf.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  /** A TPM2B: 16-bit size, then that many bytes. */
  sized(): Uint8Array<ArrayBuffer> {
    return this.bytes(this.u16());
  }
  /** Refuses trailing bytes after a structure that must be read whole. */
  end(): void {
    if (this.remaining !== 0) throw new TpmFormatError(`${this.what} has ${this.remaining} unexpected trailing bytes`);
  }
}
