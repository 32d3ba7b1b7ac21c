import { describe, expect, it } from 'vitest';
import { interpretSender, type RawSender } from './interpretSender.js';

const policy = {
  extensionId: 'cafmddpjkeccackiphahemkdaplnpfdf',
  extensionOrigin: 'chrome-extension://cafmddpjkeccackiphahemkdaplnpfdf',
  isServedOrigin: (origin: string) => origin === 'http://localhost:3000',
};

const content: RawSender = {
  id: policy.extensionId,
  origin: 'http://localhost:3000',
  url: 'http://localhost:3000/login',
  frameId: 0,
  tab: { id: 7, windowId: 2 },
};

describe('interpretSender', () => {
  it('should accept a content script when its tab origin is a served origin', () => {
    expect(interpretSender(content, policy)).toEqual({
      ok: true,
      context: { kind: 'content', tabId: 7, windowId: 2, frameId: 0, origin: 'http://localhost:3000' },
    });
  });

  it('should refuse a sender when it is another extension', () => {
    expect(interpretSender({ ...content, id: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' }, policy)).toMatchObject({
      ok: false,
      code: 'ERR_BAD_ORIGIN',
    });
  });

  it('should refuse a content script when its origin is not configured', () => {
    const result = interpretSender({ ...content, origin: 'http://127.0.0.1:3000' }, policy);
    expect(result).toMatchObject({ ok: false, code: 'ERR_BAD_ORIGIN' });
    expect(!result.ok && result.message).toContain('"http://127.0.0.1:3000"');
  });

  it('should trust sender.origin over sender.url when both are present', () => {
    expect(
      interpretSender({ ...content, origin: 'https://evil.example', url: 'http://localhost:3000/' }, policy),
    ).toMatchObject({
      ok: false,
    });
  });

  it('should fall back to the origin of sender.url when sender.origin is missing (Safari)', () => {
    const { origin: _o, ...safari } = content;
    expect(interpretSender(safari, policy)).toMatchObject({ ok: true, context: { origin: 'http://localhost:3000' } });
  });

  it('should refuse a sender when it has no usable origin', () => {
    const { origin: _o, url: _u, ...bare } = content;
    expect(interpretSender(bare, policy)).toMatchObject({ ok: false });
    expect(interpretSender({ ...content, origin: 'null' }, policy)).toMatchObject({ ok: false });
    expect(interpretSender({ ...bare, url: 'not a url' }, policy)).toMatchObject({ ok: false });
  });

  it('should refuse a content script when it runs in a sub-frame', () => {
    expect(interpretSender({ ...content, frameId: 3 }, policy)).toMatchObject({ ok: false });
  });

  it('should refuse a content-script message when it has no tab', () => {
    const { tab: _t, ...noTab } = content;
    expect(interpretSender(noTab, policy)).toMatchObject({ ok: false });
    expect(interpretSender({ ...content, tab: { id: -1, windowId: 1 } }, policy)).toMatchObject({ ok: false });
  });

  it('should recognise the popup and options page when the sender is the extension origin', () => {
    const popup: RawSender = {
      id: policy.extensionId,
      origin: policy.extensionOrigin,
      url: `${policy.extensionOrigin}/popup.html`,
    };
    expect(interpretSender(popup, policy)).toEqual({ ok: true, context: { kind: 'extension-page' } });
    expect(interpretSender({ ...popup, tab: { id: 4, windowId: 1 } }, policy)).toEqual({
      ok: true,
      context: { kind: 'extension-page', tabId: 4 },
    });
  });
});
