/**
 * Verifies a device sign-in registration: the challenge (consumed once, issued to this session and
 * user), the WebAuthn attestation response (@simplewebauthn/server: origin, RP ID, user
 * verification), and the device statement that binds the new credential to a device in the
 * user's organisation's inventory, not revoked. Then stores the credential with user and device.
 */
import { verifyRegistrationResponse } from '@simplewebauthn/server';
import { decodeDeviceStatementKid, verifyDeviceStatement } from '../../../shared/device/index.js';
import { PortalError } from '../../../shared/errors.js';
import type { RegistrationResponseJSON } from '../../../shared/protocol/webauthnJson.js';
import type { PortalContext } from '../PortalContext.js';
import { audit } from '../store/audit.js';
import { consumeChallenge } from '../store/challenges.js';
import { getCredential, insertCredential } from '../store/credentials.js';
import { getDevice } from '../store/devices.js';
import { deviceKeyProtection, hardwareKeysPolicy, setCredentialKeyProtection } from '../store/keyProtection.js';
import type { Session } from '../store/sessions.js';
import type { User } from '../store/users.js';
import { deviceStanding } from '../trust/deviceStanding.js';
import { readClientChallenge } from './readClientChallenge.js';
import { credentialKeyProtection, HARDWARE_KEYS_REQUIRED_MESSAGE } from './tpm/credentialKeyProtection.js';

/** How far a registering device's clock may be from the portal's (decision 0054). */
export const DEVICE_CLOCK_SKEW_SECONDS = 15 * 60;

/** COSE ES256: the only algorithm offered and accepted (the daemon's keys are P-256). */
export const SUPPORTED_ALGORITHMS = [-7];

export async function verifyDeviceRegistration(
  ctx: PortalContext,
  input: { session: Session; user: User; credential: RegistrationResponseJSON; deviceStatement: string | undefined },
): Promise<{ credentialId: string; deviceId: string }> {
  const { session, user } = input;
  const now = ctx.clock();
  /** Audits and logs a refusal, then hands the error back for the caller to throw. */
  const refuse = async (err: PortalError, deviceId: string | null = null): Promise<PortalError> => {
    await audit(
      ctx.db,
      {
        event: 'credential.register-refused',
        actor: `user:${user.id}`,
        orgId: user.orgId,
        userId: user.id,
        deviceId,
        details: { code: err.code, reason: err.message },
      },
      now,
    );
    ctx.logger.warn({ event: 'credential.register-refused', code: err.code }, 'registration refused');
    return err;
  };

  // Single use: the challenge is consumed before anything else, so a failed attempt burns it too.
  const challenge = readClientChallenge(input.credential.response.clientDataJSON);
  const issued = await consumeChallenge(
    ctx.db,
    { challenge, purpose: 'registration', sessionHash: session.idHash },
    now,
  );
  if (!issued || issued.userId !== user.id) {
    throw await refuse(
      new PortalError(
        'ERR_CHALLENGE_INVALID',
        'The registration challenge is unknown, expired or already used. Start again.',
      ),
    );
  }

  let info: Awaited<ReturnType<typeof verifyRegistrationResponse>>['registrationInfo'];
  try {
    const result = await verifyRegistrationResponse({
      response: input.credential,
      expectedChallenge: challenge,
      expectedOrigin: ctx.config.origin,
      expectedRPID: ctx.config.rpId,
      requireUserVerification: true,
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    });
    info = result.verified ? result.registrationInfo : undefined;
  } catch (err) {
    throw await refuse(new PortalError('ERR_VERIFICATION_FAILED', `Registration refused: ${(err as Error).message}`));
  }
  if (!info)
    throw await refuse(new PortalError('ERR_VERIFICATION_FAILED', 'Registration refused: the response did not verify'));

  // Device enrollment is proven by a signature of the device's inventory key, never by a flag.
  if (!input.deviceStatement) {
    throw await refuse(
      new PortalError(
        'ERR_DEVICE_STATEMENT_INVALID',
        'Registration needs a device statement signed by a device enrolled in your organisation. Enroll this device first.',
      ),
    );
  }
  const deviceId = decodeDeviceStatementKid(input.deviceStatement);
  const device = deviceId ? await getDevice(ctx.db, deviceId) : undefined;
  const standing = deviceStanding(device, user.orgId);
  if (!device || standing === 'not-enrolled') {
    throw await refuse(
      new PortalError(
        'ERR_DEVICE_NOT_ENROLLED',
        `This device${deviceId ? ` ("${deviceId}")` : ''} is not enrolled in your organisation's device management. Enroll it, then try again.`,
      ),
      null,
    );
  }
  if (standing === 'revoked') {
    throw await refuse(
      new PortalError(
        'ERR_DEVICE_REVOKED',
        'This device has been removed from device management by your admin, so it cannot register for device sign-in.',
      ),
      device.id,
    );
  }
  const statement = await verifyDeviceStatement({
    jws: input.deviceStatement,
    publicKeyJwk: device.publicJwk,
    expected: {
      deviceId: device.id,
      rpId: ctx.config.rpId,
      credentialId: info.credential.id,
      cosePublicKey: info.credential.publicKey,
      challenge,
    },
    // Freshness comes from the challenge (ours, single-use, 5 minutes on our clock): the device's
    // clock may be minutes off without making the statement stale or early (decision 0054).
    clockSkewSeconds: DEVICE_CLOCK_SKEW_SECONDS,
    now: new Date(now),
  });
  if (!statement.verified)
    throw await refuse(new PortalError('ERR_DEVICE_STATEMENT_INVALID', statement.message), device.id);

  // Where the key lives: a 'tpm' attestation must be certified by this device's own AK.
  const kept = credentialKeyProtection({
    fmt: info.fmt,
    attestationObject: info.attestationObject,
    device: await deviceKeyProtection(ctx.db, device.id),
  });
  if (!kept.ok) {
    throw await refuse(new PortalError('ERR_ATTESTATION_INVALID', `Registration refused: ${kept.message}`), device.id);
  }
  const protection = kept.protection;
  if (protection !== 'tpm' && (await hardwareKeysPolicy(ctx.db, user.orgId)) === 'required') {
    throw await refuse(new PortalError('ERR_HARDWARE_KEY_REQUIRED', HARDWARE_KEYS_REQUIRED_MESSAGE), device.id);
  }

  if (await getCredential(ctx.db, info.credential.id)) {
    throw await refuse(new PortalError('ERR_CONFLICT', 'This device sign-in token is already registered.'), device.id);
  }
  const credentialId = info.credential.id;
  const stored = {
    id: credentialId,
    userId: user.id,
    deviceId: device.id,
    publicKey: info.credential.publicKey,
    counter: info.credential.counter,
    transports: input.credential.response.transports ?? ['internal'],
    createdAt: now,
  };
  // One transaction: a credential is never stored without the protection it was verified with.
  await ctx.db.transaction(async (tx) => {
    await insertCredential(tx, stored);
    await setCredentialKeyProtection(tx, credentialId, protection);
  });
  await audit(
    ctx.db,
    {
      event: 'credential.registered',
      actor: `user:${user.id}`,
      orgId: user.orgId,
      userId: user.id,
      deviceId: device.id,
      details: { credentialId: info.credential.id, enrollmentType: device.enrollmentType, keyProtection: protection },
    },
    now,
  );
  ctx.logger.info({ event: 'credential.registered', deviceId: device.id }, 'device sign-in registered');
  return { credentialId: info.credential.id, deviceId: device.id };
}
