/**
 * The challenge a WebAuthn response claims to answer, read from its clientDataJSON before any
 * verification, so the portal can consume that challenge (once) and then verify against it.
 */
import { PortalError } from '../../../shared/errors.js';
import { fromBase64url } from '../../../shared/webauthn/base64url.js';

export function readClientChallenge(clientDataJSON: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64url(clientDataJSON)));
  } catch {
    throw new PortalError('ERR_VERIFICATION_FAILED', 'clientDataJSON is not valid base64url JSON');
  }
  const challenge = (parsed as { challenge?: unknown } | null)?.challenge;
  if (typeof challenge !== 'string' || !/^[A-Za-z0-9_-]{16,256}$/.test(challenge)) {
    throw new PortalError('ERR_VERIFICATION_FAILED', 'clientDataJSON has no valid challenge');
  }
  return challenge;
}
