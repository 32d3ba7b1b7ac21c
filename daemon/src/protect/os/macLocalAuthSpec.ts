/**
 * macOS host-mode user verification: LocalAuthentication (`deviceOwnerAuthentication`: Touch ID,
 * Apple Watch or the account password) through the small Swift helper in
 * daemon/os/macos/keybound-verify-user.swift, built and signed when the package is made.
 *
 * COMPAT(untested: no macOS here) — the helper protocol is tested on Linux with a stand-in
 * (HelperProcessVerifier.test.ts); the Swift side follows Apple's LAContext documentation.
 */
import type { HelperSpec } from './HelperProcessVerifier.js';

/** Where packaging installs the helper; KEYBOUND_MACOS_UV_HELPER overrides it. */
export const MAC_HELPER_PATH = '/Library/Application Support/Keybound/keybound-verify-user';

export function macLocalAuthSpec(env: NodeJS.ProcessEnv = process.env): HelperSpec {
  const command = env.KEYBOUND_MACOS_UV_HELPER ?? MAC_HELPER_PATH;
  return {
    backend: 'localauthentication',
    command,
    args: [],
    missing: `Keybound's macOS verification helper is missing (${command}). Reinstall Keybound, or build daemon/os/macos/keybound-verify-user.swift and set KEYBOUND_MACOS_UV_HELPER to it.`,
  };
}
