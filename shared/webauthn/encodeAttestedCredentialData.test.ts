import { describe, expect, it } from 'vitest';
import { encodeAttestedCredentialData } from './encodeAttestedCredentialData.js';

describe('encodeAttestedCredentialData', () => {
  it('should lay out aaguid, a big-endian id length, the id and the key when encoding', () => {
    const aaguid = new Uint8Array(16).fill(0xaa);
    const credentialId = new Uint8Array(300).fill(0x11);
    const cosePublicKey = new Uint8Array([0xa5, 1, 2]);
    const bytes = encodeAttestedCredentialData({ aaguid, credentialId, cosePublicKey });
    expect(bytes.subarray(0, 16)).toEqual(aaguid);
    expect([bytes[16], bytes[17]]).toEqual([0x01, 0x2c]);
    expect(bytes.subarray(18, 318)).toEqual(credentialId);
    expect(bytes.subarray(318)).toEqual(cosePublicKey);
  });

  it('should throw a TypeError when the aaguid is not 16 bytes', () => {
    expect(() =>
      encodeAttestedCredentialData({
        aaguid: new Uint8Array(15),
        credentialId: new Uint8Array(1),
        cosePublicKey: new Uint8Array(1),
      }),
    ).toThrow(TypeError);
  });

  it('should throw a TypeError when the credential id is empty or longer than 1023 bytes', () => {
    const base = { aaguid: new Uint8Array(16), cosePublicKey: new Uint8Array(1) };
    expect(() => encodeAttestedCredentialData({ ...base, credentialId: new Uint8Array(0) })).toThrow(TypeError);
    expect(() => encodeAttestedCredentialData({ ...base, credentialId: new Uint8Array(1024) })).toThrow(TypeError);
    expect(encodeAttestedCredentialData({ ...base, credentialId: new Uint8Array(1023) })).toHaveLength(
      16 + 2 + 1023 + 1,
    );
  });
});
