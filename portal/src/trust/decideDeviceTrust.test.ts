import { describe, expect, it } from 'vitest';
import { decideDeviceTrust, type TrustFacts } from './decideDeviceTrust.js';
import { deviceStanding } from './deviceStanding.js';

const user = { id: 'u1', orgId: 'org-a' };
/** A device sign-in that stands: every later case breaks one fact. */
const trusted: TrustFacts = {
  user,
  required: true,
  method: 'device',
  credentialId: 'c1',
  deviceId: 'd1',
  credential: { userId: 'u1', deviceId: 'd1' },
  device: { orgId: 'org-a', revokedAt: null },
  hardwareKeys: 'off',
  keyProtection: 'software',
};

describe('deviceStanding', () => {
  it('should stand enrolled only in the organisation whose inventory holds it, until revoked', () => {
    expect(deviceStanding({ orgId: 'org-a', revokedAt: null }, 'org-a')).toBe('enrolled');
    expect(deviceStanding({ orgId: 'org-a', revokedAt: 0 }, 'org-a')).toBe('revoked');
    expect(deviceStanding({ orgId: 'org-b', revokedAt: null }, 'org-a')).toBe('not-enrolled');
    expect(deviceStanding({ orgId: 'org-b', revokedAt: 5 }, 'org-a')).toBe('not-enrolled');
    expect(deviceStanding(undefined, 'org-a')).toBe('not-enrolled');
  });
});

describe('decideDeviceTrust', () => {
  it('should trust a device sign-in whose credential and enrolled device stand, and say so', () => {
    expect(decideDeviceTrust(trusted)).toEqual({
      trusted: true,
      required: true,
      reason: 'trusted-device',
      message: 'You signed in with device sign-in from an enrolled device.',
    });
    expect(decideDeviceTrust({ ...trusted, required: false })).toMatchObject({ trusted: true, required: false });
  });

  it('should refuse when nobody is signed in', () => {
    expect(decideDeviceTrust({ ...trusted, user: undefined })).toMatchObject({
      trusted: false,
      reason: 'not-signed-in',
      message: 'You are not signed in.',
    });
  });

  it('should refuse a password sign-in, and a device sign-in that names no credential or device', () => {
    for (const method of ['password', 'password+mfa', null] as const) {
      expect(decideDeviceTrust({ ...trusted, method })).toMatchObject({ trusted: false, reason: 'not-device-sign-in' });
    }
    expect(decideDeviceTrust({ ...trusted, credentialId: null }).reason).toBe('not-device-sign-in');
    expect(decideDeviceTrust({ ...trusted, deviceId: null }).reason).toBe('not-device-sign-in');
  });

  it('should refuse when the credential is gone or belongs to another user or device', () => {
    expect(decideDeviceTrust({ ...trusted, credential: undefined }).reason).toBe('credential-deleted');
    expect(decideDeviceTrust({ ...trusted, credential: { userId: 'u2', deviceId: 'd1' } }).reason).toBe(
      'credential-deleted',
    );
    expect(decideDeviceTrust({ ...trusted, credential: { userId: 'u1', deviceId: 'd2' } }).reason).toBe(
      'credential-deleted',
    );
  });

  it('should refuse when the device is unknown, in another organisation, or revoked', () => {
    expect(decideDeviceTrust({ ...trusted, device: undefined }).reason).toBe('device-unknown');
    expect(decideDeviceTrust({ ...trusted, device: { orgId: 'org-b', revokedAt: null } }).reason).toBe(
      'device-unknown',
    );
    expect(decideDeviceTrust({ ...trusted, device: { orgId: 'org-a', revokedAt: 1 } })).toMatchObject({
      trusted: false,
      reason: 'device-revoked',
    });
  });

  it('should refuse a key kept in software only when the organisation requires hardware keys', () => {
    expect(decideDeviceTrust({ ...trusted, hardwareKeys: 'required' })).toMatchObject({
      trusted: false,
      reason: 'software-key',
    });
    expect(decideDeviceTrust({ ...trusted, hardwareKeys: 'required', keyProtection: undefined }).reason).toBe(
      'software-key',
    );
    expect(decideDeviceTrust({ ...trusted, hardwareKeys: 'required', keyProtection: 'tpm' }).trusted).toBe(true);
    expect(decideDeviceTrust({ ...trusted, hardwareKeys: 'preferred' }).trusted).toBe(true);
  });
});
