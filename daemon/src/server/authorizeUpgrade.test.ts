import { describe, expect, it } from 'vitest';
import { authorizeUpgrade } from './authorizeUpgrade.js';
import { checkHost, countHeader } from './checkHost.js';

const ID = 'abcdefghijklmnopabcdefghijklmnop';
const policy = { port: 28170, allowedExtensionIds: new Set([ID]) };
const req = (headers: Record<string, string>, url = '/v1') => ({
  url,
  headers,
  rawHeaders: Object.entries(headers).flat(),
});

describe('authorizeUpgrade', () => {
  it('should accept when an allow-listed extension connects on a loopback host', () => {
    for (const host of ['127.0.0.1:28170', 'localhost:28170', '[::1]:28170']) {
      const d = authorizeUpgrade(req({ host, origin: `chrome-extension://${ID}` }), policy);
      expect(d).toEqual({
        ok: true,
        extensionOrigin: `chrome-extension://${ID}`,
        browser: 'chrome',
        allowListed: true,
      });
    }
  });

  it('should accept a Safari extension origin as not allow-listed', () => {
    const origin = 'safari-web-extension://0B1C2D3E-4F50-6172-8394-A5B6C7D8E9F0';
    const d = authorizeUpgrade(req({ host: '127.0.0.1:28170', origin }), policy);
    expect(d).toMatchObject({ ok: true, browser: 'safari', allowListed: false });
  });

  it.each([
    ['a web page origin', { host: '127.0.0.1:28170', origin: 'https://evil.example' }, 'ERR_BAD_ORIGIN'],
    ['no Origin', { host: '127.0.0.1:28170' }, 'ERR_BAD_ORIGIN'],
    ['a null Origin', { host: '127.0.0.1:28170', origin: 'null' }, 'ERR_BAD_ORIGIN'],
    [
      'an unlisted extension',
      { host: '127.0.0.1:28170', origin: `chrome-extension://${'p'.repeat(32)}` },
      'ERR_BAD_ORIGIN',
    ],
    ['a rebinding Host', { host: 'evil.example:28170', origin: `chrome-extension://${ID}` }, 'ERR_BAD_HOST'],
    ['another port', { host: '127.0.0.1:1', origin: `chrome-extension://${ID}` }, 'ERR_BAD_HOST'],
    ['no Host', { origin: `chrome-extension://${ID}` }, 'ERR_BAD_HOST'],
  ])('should refuse when %s', (_name, headers, code) => {
    const d = authorizeUpgrade(req(headers as Record<string, string>), policy);
    expect(d).toMatchObject({ ok: false, status: 403, code });
  });

  it('should refuse when the Host header is duplicated', () => {
    const d = authorizeUpgrade(
      {
        url: '/v1',
        headers: { host: '127.0.0.1:28170', origin: `chrome-extension://${ID}` },
        rawHeaders: ['Host', '127.0.0.1:28170', 'Host', 'evil.example', 'Origin', `chrome-extension://${ID}`],
      },
      policy,
    );
    expect(d).toMatchObject({ ok: false, code: 'ERR_BAD_HOST' });
  });

  it('should refuse when the Origin header is duplicated or empty', () => {
    const origin = `chrome-extension://${ID}`;
    const twice = {
      url: '/v1',
      headers: { host: '127.0.0.1:28170', origin },
      rawHeaders: ['Host', '127.0.0.1:28170', 'Origin', origin, 'Origin', 'https://evil.example'],
    };
    expect(authorizeUpgrade(twice, policy)).toEqual({
      ok: false,
      status: 403,
      code: 'ERR_BAD_ORIGIN',
      reason: 'duplicate Origin header',
    });
    expect(authorizeUpgrade(req({ host: '127.0.0.1:28170', origin: '' }), policy)).toMatchObject({
      ok: false,
      code: 'ERR_BAD_ORIGIN',
    });
  });

  it('should refuse when the path is not /v1', () => {
    const d = authorizeUpgrade(req({ host: '127.0.0.1:28170', origin: `chrome-extension://${ID}` }, '/'), policy);
    expect(d).toMatchObject({ ok: false, status: 404 });
  });
});

describe('checkHost', () => {
  it('should say what was wrong with the Host header', () => {
    const at = (headers: Record<string, string>, rawHeaders?: string[]) =>
      checkHost({ headers, ...(rawHeaders ? { rawHeaders } : {}) }, 28170);
    expect(at({ host: 'LOCALHOST:28170' })).toEqual({ ok: true, host: 'localhost:28170' });
    expect(at({})).toEqual({ ok: false, reason: 'missing Host header' });
    expect(at({ host: '' })).toEqual({ ok: false, reason: 'missing Host header' });
    expect(at({ host: `evil.example:28170${'x'.repeat(200)}` })).toEqual({
      ok: false,
      reason: `Unexpected Host "evil.example:28170${'x'.repeat(82)}", expected 127.0.0.1:28170`,
    });
    expect(at({ host: '127.0.0.1:28170' }, ['Host', '127.0.0.1:28170', 'host', 'evil.example'])).toEqual({
      ok: false,
      reason: 'duplicate Host header',
    });
    expect(countHeader(['Host', 'a', 'Origin', 'b', 'HOST'], 'host')).toBe(2);
  });
});
