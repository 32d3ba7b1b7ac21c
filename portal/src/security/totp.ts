/** TOTP MFA with otpauth: SHA-1, 6 digits, 30 s, window ±1 (what authenticator apps expect). */
import * as OTPAuth from 'otpauth';

const PERIOD = 30;

/** A new random TOTP secret, base32. */
export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

/** The `otpauth://` URI an authenticator app (or Protect) scans. */
export function totpUri(secret: string, email: string, issuer = 'Keybound'): string {
  return new OTPAuth.TOTP({
    issuer,
    label: email,
    secret: OTPAuth.Secret.fromBase32(secret),
    period: PERIOD,
  }).toString();
}

/** The current code (for seeding demos and tests). */
export function totpCode(secret: string, timestamp: number): string {
  return OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(secret), period: PERIOD, timestamp });
}

/**
 * Checks `code` at `timestamp` within ±1 step. Returns the time step it matched (so the caller can
 * refuse a replay of the same or an older step), or null.
 */
export function matchTotpStep(secret: string, code: string, timestamp: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = OTPAuth.TOTP.validate({
    token: code,
    secret: OTPAuth.Secret.fromBase32(secret),
    period: PERIOD,
    timestamp,
    window: 1,
  });
  if (delta === null) return null;
  return Math.floor(timestamp / 1000 / PERIOD) + delta;
}
