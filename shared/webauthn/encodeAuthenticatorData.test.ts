import { parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { encodeAttestedCredentialData } from './encodeAttestedCredentialData.js';
import { encodeAuthenticatorData } from './encodeAuthenticatorData.js';
import { encodeCoseEc2PublicKey } from './encodeCoseEc2PublicKey.js';

const rpIdHash = new Uint8Array(32).fill(7);

describe('encodeAuthenticatorData', () => {
  it('should set flags 0x05 and a big-endian counter when encoding a sign-in', () => {
    const bytes = encodeAuthenticatorData({ rpIdHash, flags: { up: true, uv: true }, signCount: 0x01020304 });
    expect(bytes).toHaveLength(37);
    expect(bytes[32]).toBe(0x05);
    expect([...bytes.subarray(33)]).toEqual([1, 2, 3, 4]);
  });

  it('should set each flag bit when the matching flag is on', () => {
    const flagsOf = (flags: Parameters<typeof encodeAuthenticatorData>[0]['flags']) =>
      encodeAuthenticatorData({ rpIdHash, flags, signCount: 0 })[32];
    expect(flagsOf({ up: true, uv: false })).toBe(0x01);
    expect(flagsOf({ up: false, uv: true })).toBe(0x04);
    expect(flagsOf({ up: false, uv: false, be: true })).toBe(0x08);
    expect(flagsOf({ up: false, uv: false, bs: true })).toBe(0x10);
    expect(flagsOf({ up: false, uv: false, at: true })).toBe(0x40);
  });

  it('should set AT (0x45) and parse with @simplewebauthn/server when attested credential data is given', () => {
    const cosePublicKey = encodeCoseEc2PublicKey(new Uint8Array([4, ...new Uint8Array(64).fill(1)]));
    const credentialId = new Uint8Array([9, 8, 7]);
    const attested = encodeAttestedCredentialData({ aaguid: new Uint8Array(16), credentialId, cosePublicKey });
    const bytes = encodeAuthenticatorData({
      rpIdHash,
      flags: { up: true, uv: true },
      signCount: 0,
      attestedCredentialData: attested,
    });
    expect(bytes[32]).toBe(0x45);
    const parsed = parseAuthenticatorData(bytes);
    expect(parsed.flags).toMatchObject({ up: true, uv: true, at: true, be: false, bs: false, ed: false });
    expect(parsed.rpIdHash).toEqual(rpIdHash);
    expect(parsed.credentialID).toEqual(credentialId);
    expect(parsed.credentialPublicKey).toEqual(cosePublicKey);
    expect(parsed.counter).toBe(0);
  });

  it('should encode the largest counter when signCount is 2^32 - 1', () => {
    const bytes = encodeAuthenticatorData({ rpIdHash, flags: { up: true, uv: true }, signCount: 0xffff_ffff });
    expect(parseAuthenticatorData(bytes).counter).toBe(0xffff_ffff);
  });

  it('should throw a TypeError when the rpIdHash is not 32 bytes or the counter is out of range', () => {
    const flags = { up: true, uv: true };
    expect(() => encodeAuthenticatorData({ rpIdHash: new Uint8Array(31), flags, signCount: 0 })).toThrow(TypeError);
    expect(() => encodeAuthenticatorData({ rpIdHash, flags, signCount: -1 })).toThrow(TypeError);
    expect(() => encodeAuthenticatorData({ rpIdHash, flags, signCount: 2 ** 32 })).toThrow(TypeError);
    expect(() => encodeAuthenticatorData({ rpIdHash, flags, signCount: 1.5 })).toThrow(TypeError);
  });
});
