import { describe, expect, it } from 'vitest';
import {
  canonicalOrigin,
  combineSettings,
  DEFAULT_LOCAL_SETTINGS,
  isCanonicalServedOrigin,
  isServedOrigin,
  parseLocalSettings,
  parseManagedSettings,
} from './settingsSchema.js';

describe('settingsSchema', () => {
  it('should accept https and loopback http origins when canonical', () => {
    expect(isCanonicalServedOrigin('https://portal.example.com')).toBe(true);
    expect(isCanonicalServedOrigin('http://localhost:3000')).toBe(true);
    expect(isCanonicalServedOrigin('http://127.0.0.1:8080')).toBe(true);
  });

  it('should refuse an origin when it is plain http off loopback, has a path, or is not canonical', () => {
    expect(isCanonicalServedOrigin('http://portal.example.com')).toBe(false);
    expect(isCanonicalServedOrigin('https://portal.example.com/')).toBe(false);
    expect(isCanonicalServedOrigin('https://Portal.example.com')).toBe(false);
    expect(isCanonicalServedOrigin('https://portal.example.com:443')).toBe(false);
    expect(isCanonicalServedOrigin('javascript:alert(1)')).toBe(false);
  });

  it('should canonicalise what a person typed when it is a usable origin', () => {
    expect(canonicalOrigin(' https://Portal.example.com/login ')).toBe('https://portal.example.com');
    expect(canonicalOrigin('ftp://x')).toBeUndefined();
    expect(canonicalOrigin('nonsense')).toBeUndefined();
  });

  it('should fall back to defaults when local settings are missing or invalid', () => {
    expect(parseLocalSettings(undefined)).toEqual(DEFAULT_LOCAL_SETTINGS);
    expect(parseLocalSettings({ daemonPort: 'x' })).toEqual(DEFAULT_LOCAL_SETTINGS);
    expect(parseLocalSettings({ daemonPort: 4000 })).toEqual({ ...DEFAULT_LOCAL_SETTINGS, daemonPort: 4000 });
  });

  it('should keep the valid managed keys when one managed key is invalid', () => {
    expect(parseManagedSettings({ portalOrigins: ['http://evil.example'], daemonPort: 4100, other: 1 })).toEqual({
      daemonPort: 4100,
    });
    expect(parseManagedSettings('x')).toEqual({});
  });

  it('should let managed values win over local ones when both are set', () => {
    const local = { portalOrigins: ['http://localhost:1'], ssoLoginOrigins: ['http://localhost:2'], daemonPort: 1 };
    const effective = combineSettings(local, {
      portalOrigins: ['https://portal.example.com'],
      pairingPreauthorized: true,
    });
    expect(effective).toEqual({
      portalOrigins: ['https://portal.example.com'],
      ssoLoginOrigins: ['http://localhost:2'],
      daemonPort: 1,
      pairingPreauthorized: true,
      managedKeys: ['portalOrigins', 'pairingPreauthorized'],
    });
    expect(isServedOrigin(effective, 'http://localhost:1')).toBe(false);
    expect(isServedOrigin(effective, 'http://localhost:2')).toBe(true);
  });
});
