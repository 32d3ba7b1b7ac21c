/**
 * How a portal sign-in is reported to SSO apps in the ID token: `amr` values from RFC 8176 and
 * an `acr` from Keybound's own namespace (docs/decisions/0020-oidc-provider.md explains the
 * choice). `device_trusted` is reported beside them, from the portal's Device Trust evaluation.
 */
import type { SignInMethod } from '../store/sessions.js';

/** acr values, weakest first; listed in discovery as `acr_values_supported`. */
export const ACR_VALUES = ['urn:keybound:acr:pwd', 'urn:keybound:acr:mfa', 'urn:keybound:acr:device'] as const;
export type AcrValue = (typeof ACR_VALUES)[number];

export interface AuthenticationDescription {
  amr: string[];
  acr: AcrValue;
  /** Phishing-resistant: bound to the origin by the authenticator (device sign-in only). */
  phishingResistant: boolean;
}

/**
 * - password → amr `pwd`;
 * - password + TOTP → `pwd`, `otp` (two factors);
 * - device sign-in → `hwk` (proof of possession of a device-bound key that never leaves the
 *   daemon) and `user` (Protect verified the user before signing).
 */
export function describeAuthentication(method: SignInMethod): AuthenticationDescription {
  switch (method) {
    case 'password':
      return { amr: ['pwd'], acr: 'urn:keybound:acr:pwd', phishingResistant: false };
    case 'password+mfa':
      return { amr: ['pwd', 'otp'], acr: 'urn:keybound:acr:mfa', phishingResistant: false };
    case 'device':
      return { amr: ['hwk', 'user'], acr: 'urn:keybound:acr:device', phishingResistant: true };
    default:
      throw new TypeError(`Unknown sign-in method ${String(method)}`);
  }
}
