/**
 * Chrome's native-messaging framing: each message is a 32-bit length in native byte order
 * (little-endian on every platform Keybound supports) followed by that many bytes of UTF-8 JSON.
 * The reader refuses a frame above its cap before buffering it.
 */
import { ChannelError } from '../../../shared/errors.js';

/** Encodes one message; refuses one larger than `maxBytes` (the browser's 1 MB from a host). */
export function encodeFrame(message: unknown, maxBytes: number): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  if (body.length > maxBytes)
    throw new ChannelError('ERR_MESSAGE_TOO_LARGE', `Message is larger than ${maxBytes} bytes`);
  const header = Buffer.alloc(4);
  header.writeUInt32LE(body.length, 0);
  return Buffer.concat([header, body]);
}

/** Splits a byte stream into frame bodies (as UTF-8 text). */
export class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly maxBytes: number) {}

  /** Adds bytes; returns the complete frames. Throws ERR_MESSAGE_TOO_LARGE for an oversized header. */
  push(chunk: Buffer): string[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: string[] = [];
    while (this.buffered.length >= 4) {
      const length = this.buffered.readUInt32LE(0);
      if (length > this.maxBytes)
        throw new ChannelError('ERR_MESSAGE_TOO_LARGE', `Message is larger than ${this.maxBytes} bytes`);
      if (this.buffered.length < 4 + length) break;
      frames.push(this.buffered.subarray(4, 4 + length).toString('utf8'));
      this.buffered = this.buffered.subarray(4 + length);
    }
    return frames;
  }

  /** Bytes of an incomplete frame still waiting. */
  get pendingBytes(): number {
    return this.buffered.length;
  }
}
