import { describe, expect, it } from 'vitest';
import { pageRequest, PAGE_API_VERSION as SCHEMA_VERSION } from '../../../shared/protocol/pageApi.js';
import { MAX_MESSAGE_BYTES } from '../../../shared/protocol/version.js';
import { checkPageEnvelope, PAGE_API_VERSION, PAGE_REQUEST_TYPES } from './checkPageEnvelope.js';

describe('checkPageEnvelope', () => {
  it('should list exactly the request types of the page schema when compared with it', () => {
    const schemaTypes = pageRequest.options.map((o) => o.shape.type.value);
    expect([...PAGE_REQUEST_TYPES].sort()).toEqual([...schemaTypes].sort());
    expect(PAGE_API_VERSION).toBe(SCHEMA_VERSION);
  });

  it('should pass a request on unchanged when its envelope is right', () => {
    const request = { keybound: 'request', type: 'signIn', payload: { options: { challenge: 'x' } }, extra: 1 };
    const checked = checkPageEnvelope(request);
    expect(checked).toEqual({ ok: true, request });
  });

  it('should refuse a request with the code of the first failed check when the envelope is wrong', () => {
    const code = (raw: Record<string, unknown>) => {
      const checked = checkPageEnvelope(raw);
      return checked.ok ? 'OK' : checked.error.code;
    };
    expect(code({ keybound: 'request', type: 'status', payload: { x: 'y'.repeat(MAX_MESSAGE_BYTES) } })).toBe(
      'ERR_MESSAGE_TOO_LARGE',
    );
    expect(code({ keybound: 'request', type: 'status', payload: { n: 1n } })).toBe('ERR_MALFORMED_JSON');
    expect(code({ keybound: 'ready', type: 'status', payload: {} })).toBe('ERR_INVALID_MESSAGE');
    expect(code({ keybound: 'request', type: 'hasOwnProperty', payload: {} })).toBe('ERR_INVALID_MESSAGE');
    expect(code({ keybound: 'request', type: 'status', payload: [] })).toBe('ERR_INVALID_MESSAGE');
    expect(code({ keybound: 'request', type: 'status', payload: new Date(0) })).toBe('ERR_INVALID_MESSAGE');
    expect(code({ keybound: 'request', type: 'status', payload: {} })).toBe('OK');
  });
});
