import { describe, expect, it } from 'vitest';
import { ACR_VALUES, describeAuthentication } from './describeAuthentication.js';

describe('describeAuthentication', () => {
  it('should report pwd when the user signed in with a password only', () => {
    expect(describeAuthentication('password')).toEqual({
      amr: ['pwd'],
      acr: 'urn:keybound:acr:pwd',
      phishingResistant: false,
    });
  });

  it('should report pwd and otp when the user added a TOTP code', () => {
    expect(describeAuthentication('password+mfa')).toMatchObject({ amr: ['pwd', 'otp'], acr: 'urn:keybound:acr:mfa' });
  });

  it('should report hwk and user, phishing-resistant, when the user signed in with the device', () => {
    expect(describeAuthentication('device')).toEqual({
      amr: ['hwk', 'user'],
      acr: 'urn:keybound:acr:device',
      phishingResistant: true,
    });
  });

  it('should list every acr it reports in the discovery values', () => {
    for (const method of ['password', 'password+mfa', 'device'] as const) {
      expect(ACR_VALUES).toContain(describeAuthentication(method).acr);
    }
  });

  it('should throw a TypeError when the method is unknown', () => {
    expect(() => describeAuthentication('magic' as never)).toThrow(TypeError);
  });
});
