/**
 * Verifies a device sign-in assertion: the challenge (consumed once, issued to this session for
 * one user), the credential (registered, belonging to that user, its device enrolled and not
 * revoked), the signature with @simplewebauthn/server (origin, RP ID, user verification) and a
 * counter that must increase. A counter that goes back is refused and audited (a cloned key).
 */
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { PortalError } from '../../../shared/errors.js';
import type { AuthenticationResponseJSON } from '../../../shared/protocol/webauthnJson.js';
import type { PortalContext } from '../PortalContext.js';
import { audit } from '../store/audit.js';
import { consumeChallenge } from '../store/challenges.js';
import { advanceCounter, getCredential, type StoredCredential } from '../store/credentials.js';
import { getDevice } from '../store/devices.js';
import type { Session } from '../store/sessions.js';
import { getUser, type User } from '../store/users.js';
import { deviceStanding } from '../trust/deviceStanding.js';
import { readClientChallenge } from './readClientChallenge.js';

export async function verifyDeviceSignIn(
  ctx: PortalContext,
  input: { session: Session; credential: AuthenticationResponseJSON },
): Promise<{ user: User; credential: StoredCredential }> {
  const now = ctx.clock();
  let auditUser: User | undefined;
  /** Audits and logs a refusal, then hands the error back for the caller to throw. */
  const refuse = async (
    err: PortalError,
    extra: Record<string, unknown> = {},
    event = 'signin.failure',
  ): Promise<PortalError> => {
    await audit(
      ctx.db,
      {
        event,
        actor: 'anonymous',
        orgId: auditUser?.orgId ?? null,
        userId: auditUser?.id ?? null,
        deviceId: (extra.deviceId as string | undefined) ?? null,
        details: { method: 'device', code: err.code, reason: err.message, ...extra },
      },
      now,
    );
    ctx.logger.warn({ event, code: err.code }, 'device sign-in refused');
    return err;
  };

  const challenge = readClientChallenge(input.credential.response.clientDataJSON);
  const issued = await consumeChallenge(
    ctx.db,
    { challenge, purpose: 'authentication', sessionHash: input.session.idHash },
    now,
  );
  if (!issued)
    throw await refuse(
      new PortalError(
        'ERR_CHALLENGE_INVALID',
        'The sign-in challenge is unknown, expired or already used. Start again.',
      ),
    );
  auditUser = issued?.userId ? await getUser(ctx.db, issued.userId) : undefined;
  if (!auditUser)
    throw await refuse(
      new PortalError(
        'ERR_VERIFICATION_FAILED',
        'Device sign-in is not set up for this email. Log in with your password.',
      ),
    );
  const user = auditUser as User;

  const stored = await getCredential(ctx.db, input.credential.id);
  if (!stored) {
    throw await refuse(
      new PortalError(
        'ERR_VERIFICATION_FAILED',
        'This device sign-in token is not registered with the portal (it may have been deleted). Log in with your password to register this device again.',
      ),
    );
  }
  const credential = stored as StoredCredential;
  if (credential.userId !== user.id) {
    throw await refuse(new PortalError('ERR_FORBIDDEN', 'This device sign-in token belongs to another user.'), {
      credentialId: credential.id,
      deviceId: credential.deviceId,
    });
  }
  const standing = deviceStanding(await getDevice(ctx.db, credential.deviceId), user.orgId);
  if (standing === 'not-enrolled') {
    throw await refuse(
      new PortalError('ERR_DEVICE_NOT_ENROLLED', 'The device of this token is not enrolled in your organisation.'),
      { deviceId: credential.deviceId },
    );
  }
  if (standing === 'revoked') {
    throw await refuse(
      new PortalError(
        'ERR_DEVICE_REVOKED',
        'Your admin removed this device from device management, so it cannot sign in.',
      ),
      { deviceId: credential.deviceId },
    );
  }

  let newCounter = 0;
  try {
    const result = await verifyAuthenticationResponse({
      response: input.credential,
      expectedChallenge: challenge,
      expectedOrigin: ctx.config.origin,
      expectedRPID: ctx.config.rpId,
      credential: {
        id: credential.id,
        publicKey: credential.publicKey as Uint8Array<ArrayBuffer>,
        counter: credential.counter,
        transports: credential.transports as never,
      },
      requireUserVerification: true,
    });
    if (!result.verified) throw new Error('the signature did not verify');
    newCounter = result.authenticationInfo.newCounter;
  } catch (err) {
    const message = (err as Error).message;
    if (/counter/i.test(message)) {
      throw await refuse(
        new PortalError(
          'ERR_VERIFICATION_FAILED',
          `Device sign-in refused: the token's counter did not increase (${message}). The token may have been copied; register this device again.`,
        ),
        { deviceId: credential.deviceId, credentialId: credential.id },
        'signin.counter-regression',
      );
    }
    throw await refuse(new PortalError('ERR_VERIFICATION_FAILED', `Device sign-in refused: ${message}`), {
      deviceId: credential.deviceId,
    });
  }
  // Race-free: a concurrent use of the same counter value loses here.
  if (!(await advanceCounter(ctx.db, credential.id, newCounter, now))) {
    throw await refuse(
      new PortalError('ERR_VERIFICATION_FAILED', 'Device sign-in refused: the token counter did not increase.'),
      { deviceId: credential.deviceId, credentialId: credential.id },
      'signin.counter-regression',
    );
  }
  return { user, credential };
}
