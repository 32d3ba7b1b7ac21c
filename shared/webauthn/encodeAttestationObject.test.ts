import { decodeCBOR } from '@levischuck/tiny-cbor';
import { decodeAttestationObject } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { encodeAttestationObject } from './encodeAttestationObject.js';

describe('encodeAttestationObject', () => {
  it('should encode fmt "none", an empty attStmt and authData when decoded by @simplewebauthn/server', () => {
    const authData = new Uint8Array([1, 2, 3]);
    const decoded = decodeAttestationObject(encodeAttestationObject({ fmt: 'none', authData }));
    expect(decoded.get('fmt')).toBe('none');
    expect(decoded.get('attStmt').size).toBe(0);
    expect(decoded.get('authData')).toEqual(authData);
  });

  it('should use text keys in canonical order fmt, attStmt, authData when encoded', () => {
    const map = decodeCBOR(encodeAttestationObject({ fmt: 'none', authData: new Uint8Array(1) })) as Map<
      string,
      unknown
    >;
    expect([...map.keys()]).toEqual(['fmt', 'attStmt', 'authData']);
  });

  it('should throw a TypeError when asked for another format', () => {
    expect(() => encodeAttestationObject({ fmt: 'packed' as 'none', authData: new Uint8Array(1) })).toThrow(TypeError);
  });
});
