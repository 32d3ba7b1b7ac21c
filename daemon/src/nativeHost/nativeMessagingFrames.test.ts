import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader } from './nativeMessagingFrames.js';

describe('native messaging framing', () => {
  it('round-trips messages split across and packed into chunks', () => {
    const a = encodeFrame({ id: 'a', type: 'discover' }, 1024);
    const b = encodeFrame({ id: 'b', text: 'ünïcødé' }, 1024);
    expect(a.readUInt32LE(0)).toBe(a.length - 4);
    const reader = new FrameReader(1024);
    const both = Buffer.concat([a, b]);
    expect(reader.push(both.subarray(0, 3))).toEqual([]);
    expect(reader.push(both.subarray(3, a.length + 5))).toEqual(['{"id":"a","type":"discover"}']);
    expect(reader.push(both.subarray(a.length + 5))).toEqual(['{"id":"b","text":"ünïcødé"}']);
    expect(reader.pendingBytes).toBe(0);
  });

  it('refuses an oversized frame from its header, before buffering it', () => {
    const reader = new FrameReader(64);
    const header = Buffer.alloc(4);
    header.writeUInt32LE(1_000_000, 0);
    expect(() => reader.push(header)).toThrow(/larger than 64 bytes/);
  });

  it('never writes more than the cap (Chrome’s 1 MB from a host)', () => {
    expect(() => encodeFrame({ big: 'x'.repeat(2000) }, 1000)).toThrow(/larger than 1000 bytes/);
  });
});
