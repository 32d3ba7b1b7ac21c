import { describe, expect, it } from 'vitest';
import { checkProxy, noProxyCoversLoopback } from './checkProxy.js';
import type { DoctorContext } from './DoctorContext.js';

const ctx = (env: NodeJS.ProcessEnv) => ({ env, policyDirs: [] }) as unknown as DoctorContext;

describe('checkProxy', () => {
  it('should fail when a proxy variable is set and NO_PROXY does not cover 127.0.0.1', async () => {
    expect((await checkProxy(ctx({ http_proxy: 'http://p:3128' }))).status).toBe('fail');
    expect((await checkProxy(ctx({ ALL_PROXY: 'socks5://p', NO_PROXY: 'example.com' }))).status).toBe('fail');
  });

  it('should pass when NO_PROXY covers loopback or no proxy is set', async () => {
    expect((await checkProxy(ctx({ HTTPS_PROXY: 'http://p', no_proxy: 'localhost, 127.0.0.1' }))).status).toBe('ok');
    expect((await checkProxy(ctx({}))).status).toBe('ok');
  });

  it('should accept only entries that really exempt 127.0.0.1', () => {
    expect(noProxyCoversLoopback('*')).toBe(true);
    expect(noProxyCoversLoopback('127.0.0.0/8')).toBe(true);
    expect(noProxyCoversLoopback('127.0.0.1:28170')).toBe(true);
    expect(noProxyCoversLoopback('localhost')).toBe(false);
    expect(noProxyCoversLoopback('127.0.0.10')).toBe(false);
  });
});
