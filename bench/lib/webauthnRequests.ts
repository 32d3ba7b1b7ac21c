/**
 * The WebAuthn options a portal would send, built cheaply (no server library in the measured
 * loop): a fresh 32-byte challenge per sign-in, the benchmark credential in allowCredentials.
 */
import { randomBytes } from 'node:crypto';
import type { DaemonClient } from '../../dev/daemonClient.js';

export const RP_ID = 'localhost';
export const RP_ORIGIN = 'http://localhost:3000';

/** Sign-in options for `credentialId`, as the portal's /api/webauthn/signin/options returns them. */
export function newRequestOptions(credentialId: string): Record<string, unknown> {
  return {
    challenge: randomBytes(32).toString('base64url'),
    rpId: RP_ID,
    timeout: 60_000,
    userVerification: 'required',
    allowCredentials: [{ id: credentialId, type: 'public-key' }],
  };
}

/** Registers one credential for the benchmark user over `client`; returns its id. */
export async function registerCredential(client: DaemonClient, userName = 'bench@acme.test'): Promise<string> {
  const options = {
    challenge: randomBytes(32).toString('base64url'),
    rp: { name: 'Keybound Portal', id: RP_ID },
    user: { id: randomBytes(16).toString('base64url'), name: userName, displayName: 'Bench User' },
    pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    timeout: 60_000,
    attestation: 'none',
    authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' },
  };
  const result = await client.call('register', { origin: RP_ORIGIN, options });
  return result.credential.id;
}
