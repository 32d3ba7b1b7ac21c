import { describe, expect, it } from 'vitest';
import { withMaxAge } from './cookieMaxAge.js';

describe('withMaxAge', () => {
  const now = Date.parse('2026-11-30T10:00:00Z');
  it('should add Max-Age from Expires to the provider cookies, so a skewed portal clock does not expire them early', () => {
    const header = 'kb_oidc_interaction=abc; path=/oidc/interaction/x; expires=Mon, 30 Nov 2026 10:10:00 GMT; httponly';
    expect(withMaxAge(header, now)).toBe(`${header}; Max-Age=600`);
  });
  it('should leave other cookies, cookies with Max-Age and cookies without Expires alone', () => {
    for (const header of [
      'kb_session=abc; Path=/; Expires=Mon, 30 Nov 2026 10:10:00 GMT',
      'kb_oidc_session=abc; Max-Age=60; expires=Mon, 30 Nov 2026 10:10:00 GMT',
      'kb_oidc_resume=abc; path=/',
    ]) {
      expect(withMaxAge(header, now)).toBe(header);
    }
  });
  it('should give a deletion (Expires in the past) Max-Age=0', () => {
    expect(withMaxAge('kb_oidc_resume=; expires=Thu, 01 Jan 1970 00:00:00 GMT', now)).toMatch(/; Max-Age=0$/);
  });
});
