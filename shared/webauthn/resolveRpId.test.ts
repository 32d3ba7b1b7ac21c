import { describe, expect, it } from 'vitest';
import { AuthenticatorError } from '../errors.js';
import { resolveRpId } from './resolveRpId.js';

function refusal(origin: string, rpId?: string): AuthenticatorError {
  try {
    resolveRpId(origin, rpId);
  } catch (err) {
    if (err instanceof AuthenticatorError) return err;
    throw err;
  }
  throw new Error(`expected resolveRpId("${origin}", "${rpId}") to throw`);
}

describe('resolveRpId', () => {
  it('should default to the host when no RP ID is given', () => {
    expect(resolveRpId('https://portal.example.com')).toBe('portal.example.com');
    expect(resolveRpId('http://localhost:8080')).toBe('localhost');
  });

  it('should accept the host or a parent domain when the RP ID is on a label boundary', () => {
    expect(resolveRpId('https://login.portal.example.com:8443', 'login.portal.example.com')).toBe(
      'login.portal.example.com',
    );
    expect(resolveRpId('https://login.portal.example.com', 'portal.example.com')).toBe('portal.example.com');
    expect(resolveRpId('https://login.portal.example.com', 'example.com')).toBe('example.com');
  });

  it('should compare case-insensitively when the RP ID has capitals', () => {
    expect(resolveRpId('https://Portal.Example.com', 'EXAMPLE.com')).toBe('example.com');
  });

  it('should accept http on localhost, 127.0.0.1 and [::1] when the RP ID is the exact host', () => {
    expect(resolveRpId('http://localhost:1234', 'localhost')).toBe('localhost');
    expect(resolveRpId('http://127.0.0.1:1234', '127.0.0.1')).toBe('127.0.0.1');
    expect(resolveRpId('http://[::1]:1234')).toBe('[::1]');
  });

  it('should reject with ERR_RP_ID_MISMATCH naming both values when the RP ID is another site', () => {
    const err = refusal('https://portal.example.com', 'evil.example');
    expect(err.code).toBe('ERR_RP_ID_MISMATCH');
    expect(err.message).toContain('RP ID "evil.example" is not valid for origin "https://portal.example.com"');
    expect(err.message).toContain('expected "portal.example.com"');
  });

  it('should reject when the RP ID only matches without a label boundary', () => {
    expect(refusal('https://notexample.com', 'example.com').code).toBe('ERR_RP_ID_MISMATCH');
    expect(refusal('https://example.com', 'login.example.com').code).toBe('ERR_RP_ID_MISMATCH');
  });

  it('should reject when the RP ID is a single-label suffix or malformed', () => {
    expect(refusal('https://portal.example.com', 'com').code).toBe('ERR_RP_ID_MISMATCH');
    expect(refusal('https://portal.example.com', '.example.com').code).toBe('ERR_RP_ID_MISMATCH');
    expect(refusal('https://portal.example.com', 'example.com.').code).toBe('ERR_RP_ID_MISMATCH');
    expect(refusal('https://portal.example.com', '').code).toBe('ERR_RP_ID_MISMATCH');
  });

  it('should reject an IP address RP ID when it is not the exact host', () => {
    expect(refusal('http://127.0.0.1:80', '0.0.1').code).toBe('ERR_RP_ID_MISMATCH');
    expect(refusal('https://10.0.0.1', '0.1').code).toBe('ERR_RP_ID_MISMATCH');
    expect(refusal('http://localhost', '127.0.0.1').code).toBe('ERR_RP_ID_MISMATCH');
    expect(refusal('https://1.2.3.4', 'localhost').code).toBe('ERR_RP_ID_MISMATCH');
  });

  it('should reject plain http when the host is not a loopback host', () => {
    const err = refusal('http://portal.example.com', 'portal.example.com');
    expect(err.code).toBe('ERR_RP_ID_MISMATCH');
    expect(err.message).toContain('not a secure context');
    expect(refusal('http://localhost.evil.com').code).toBe('ERR_RP_ID_MISMATCH');
    expect(refusal('http://10.0.0.1').code).toBe('ERR_RP_ID_MISMATCH');
  });

  it('should reject origins with other schemes or that do not parse', () => {
    expect(refusal('chrome-extension://abcdefghijklmnop').code).toBe('ERR_RP_ID_MISMATCH');
    expect(refusal('ftp://example.com').code).toBe('ERR_RP_ID_MISMATCH');
    expect(refusal('not an origin').code).toBe('ERR_RP_ID_MISMATCH');
  });

  it('should reject another scheme on a loopback host, which only plain http may use', () => {
    expect(refusal('ftp://localhost').message).toContain('not a secure context');
    expect(refusal('ws://127.0.0.1:8080').message).toContain('not a secure context');
  });

  it('should reject an RP ID that is empty or starts or ends with a dot, saying it is not a host name', () => {
    for (const rpId of ['', '.example.com', 'example.com.']) {
      expect(refusal('https://login.example.com', rpId).message).toContain('not a host name');
    }
  });
});
