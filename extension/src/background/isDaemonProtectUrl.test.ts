import { describe, expect, it } from 'vitest';
import { isDaemonProtectUrl } from './isDaemonProtectUrl.js';

describe('isDaemonProtectUrl', () => {
  it('should accept the daemon Protect window when host, port and path match', () => {
    expect(isDaemonProtectUrl('http://127.0.0.1:28170/protect/abcdefgh?token=t', 28170)).toBe(true);
    expect(isDaemonProtectUrl('http://[::1]:28170/protect/abcdefgh?token=t', 28170)).toBe(true);
  });

  it('should refuse a URL when it points at another local port', () => {
    expect(isDaemonProtectUrl('http://127.0.0.1:8080/protect/abcdefgh?token=t', 28170)).toBe(false);
  });

  it('should refuse a URL when its path is not the Protect window or it is not loopback http', () => {
    expect(isDaemonProtectUrl('http://127.0.0.1:28170/other', 28170)).toBe(false);
    expect(isDaemonProtectUrl('https://127.0.0.1:28170/protect/abcdefgh', 28170)).toBe(false);
    expect(isDaemonProtectUrl('http://example.com:28170/protect/abcdefgh', 28170)).toBe(false);
    expect(isDaemonProtectUrl('not a url', 28170)).toBe(false);
  });
});
