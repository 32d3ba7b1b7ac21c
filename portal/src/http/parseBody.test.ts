import { describe, expect, it } from 'vitest';
import { resolvePortalConfig } from '../resolvePortalConfig.js';
import { checkHost } from './hostCheck.js';
import { safeReturnTo } from './parseBody.js';

describe('safeReturnTo', () => {
  it('should keep same-site paths when given', () => {
    expect(safeReturnTo('/')).toBe('/');
    expect(safeReturnTo('/oidc/interaction/abc?x=1')).toBe('/oidc/interaction/abc?x=1');
  });

  it('should drop anything that could leave the portal when given', () => {
    for (const bad of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      '/a b',
      '',
      42,
      undefined,
    ]) {
      expect(safeReturnTo(bad)).toBeUndefined();
    }
  });
});

describe('checkHost', () => {
  const config = resolvePortalConfig({ port: 8080 });

  it('should accept the canonical host and redirect GETs from others', () => {
    expect(config).toMatchObject({
      origin: 'http://localhost:8080',
      host: 'localhost:8080',
      rpId: 'localhost',
      secureCookies: false,
    });
    expect(checkHost('localhost:8080', 'POST', config)).toEqual({ ok: true });
    expect(checkHost('127.0.0.1:8080', 'GET', config)).toEqual({ ok: false, redirect: true });
    expect(checkHost('evil.example:8080', 'POST', config)).toEqual({ ok: false, redirect: false });
    expect(checkHost(undefined, 'POST', config)).toEqual({ ok: false, redirect: false });
  });

  it('should refuse an RP ID that does not match the issuer host', () => {
    expect(resolvePortalConfig({ port: 1, issuer: 'https://portal.example.com' })).toMatchObject({
      rpId: 'portal.example.com',
      secureCookies: true,
    });
    expect(resolvePortalConfig({ port: 1, issuer: 'https://portal.example.com', rpId: 'example.com' }).rpId).toBe(
      'example.com',
    );
    expect(() => resolvePortalConfig({ port: 1, issuer: 'https://portal.example.com', rpId: 'other.com' })).toThrow(
      TypeError,
    );
  });
});
