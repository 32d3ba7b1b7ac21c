import { decodeClientDataJSON, isoBase64URL } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { encodeClientDataJSON } from './encodeClientDataJSON.js';

describe('encodeClientDataJSON', () => {
  it('should serialise keys in the spec order type, challenge, origin, crossOrigin when encoding', () => {
    const bytes = encodeClientDataJSON({ type: 'webauthn.get', challenge: 'abc_-', origin: 'https://portal.example' });
    expect(new TextDecoder().decode(bytes)).toBe(
      '{"type":"webauthn.get","challenge":"abc_-","origin":"https://portal.example","crossOrigin":false}',
    );
  });

  it('should keep crossOrigin true when the caller sets it', () => {
    const bytes = encodeClientDataJSON({
      type: 'webauthn.create',
      challenge: 'x',
      origin: 'http://localhost:1',
      crossOrigin: true,
    });
    expect(JSON.parse(new TextDecoder().decode(bytes)).crossOrigin).toBe(true);
  });

  it('should decode with @simplewebauthn/server when the result is base64url-encoded', () => {
    const bytes = encodeClientDataJSON({
      type: 'webauthn.create',
      challenge: 'Y2hhbGxlbmdl',
      origin: 'http://localhost:8080',
    });
    const decoded = decodeClientDataJSON(isoBase64URL.fromBuffer(bytes));
    expect(decoded).toMatchObject({
      type: 'webauthn.create',
      challenge: 'Y2hhbGxlbmdl',
      origin: 'http://localhost:8080',
    });
  });

  it('should escape quotes when an origin contains them, so the JSON stays well-formed', () => {
    const bytes = encodeClientDataJSON({ type: 'webauthn.get', challenge: 'x', origin: 'https://a"b' });
    expect(JSON.parse(new TextDecoder().decode(bytes)).origin).toBe('https://a"b');
  });
});
