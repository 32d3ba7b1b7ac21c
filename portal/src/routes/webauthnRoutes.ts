/**
 * Device sign-in JSON endpoints (CSRF header checked before every handler):
 *   POST /api/webauthn/registration/options    signed-in user → creation options
 *   POST /api/webauthn/registration/verify     { credential, deviceStatement } → stored credential
 *   POST /api/webauthn/authentication/options  pre-login (email given) or signed-in → request options
 *   POST /api/webauthn/authentication/verify   { credential } → new 'device' session
 */
import { generateAuthenticationOptions, generateRegistrationOptions } from '@simplewebauthn/server';
import { type Response, Router } from 'express';
import { z } from 'zod';
import { PortalError } from '../../../shared/errors.js';
import { registrationResult, signInResult } from '../../../shared/protocol/results.js';
import { fromBase64url } from '../../../shared/webauthn/base64url.js';
import { completeSignIn } from '../auth/completeSignIn.js';
import { requireCsrf } from '../auth/requireCsrf.js';
import { locals } from '../auth/sessionMiddleware.js';
import { parseBody } from '../http/parseBody.js';
import type { PortalContext } from '../PortalContext.js';
import { CHALLENGE_TTL_MS, issueChallenge } from '../store/challenges.js';
import { listCredentials } from '../store/credentials.js';
import { getOrganisation } from '../store/organisations.js';
import type { Session } from '../store/sessions.js';
import { findUsersByEmail, getUser, type User } from '../store/users.js';
import { deviceSignInAvailability } from '../trust/deviceSignInAvailability.js';
import { SUPPORTED_ALGORITHMS, verifyDeviceRegistration } from '../verify/verifyDeviceRegistration.js';
import { verifyDeviceSignIn } from '../verify/verifyDeviceSignIn.js';

const empty = z.object({}).strict();
/** What the page posts is the extension's result; a device without the agent posts no statement. */
const registrationBody = registrationResult.partial({ deviceStatement: true });
const authenticationBody = signInResult;

export function webauthnRoutes(ctx: PortalContext): Router {
  const router = Router();
  router.use(requireCsrf);

  const signedInUser = async (res: Response): Promise<{ session: Session; user: User }> => {
    const session = locals(res).session;
    const user =
      session?.stage === 'authenticated' && session.userId ? await getUser(ctx.db, session.userId) : undefined;
    if (!session || !user) throw new PortalError('ERR_UNAUTHENTICATED', 'Sign in with your password first.');
    return { session, user };
  };

  router.post('/registration/options', async (req, res) => {
    parseBody(empty, req.body);
    const { session, user } = await signedInUser(res);
    const org = await getOrganisation(ctx.db, user.orgId);
    const { challenge } = await issueChallenge(
      ctx.db,
      { purpose: 'registration', userId: user.id, sessionHash: session.idHash },
      ctx.clock(),
    );
    const options = await generateRegistrationOptions({
      rpName: ctx.config.rpName,
      rpID: ctx.config.rpId,
      userName: user.email,
      userID: new TextEncoder().encode(user.id),
      userDisplayName: org ? `${user.email} (${org.name})` : user.email,
      challenge: fromBase64url(challenge),
      timeout: CHALLENGE_TTL_MS,
      attestationType: 'none',
      excludeCredentials: (await listCredentials(ctx.db, { userId: user.id })).map((c) => ({
        id: c.id,
        transports: c.transports,
      })),
      authenticatorSelection: {
        authenticatorAttachment: 'platform',
        residentKey: 'discouraged',
        userVerification: 'required',
      },
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    });
    res.json({ options });
  });

  router.post('/registration/verify', async (req, res) => {
    const body = parseBody(registrationBody, req.body);
    const { session, user } = await signedInUser(res);
    const result = await verifyDeviceRegistration(ctx, {
      session,
      user,
      credential: body.credential,
      deviceStatement: body.deviceStatement,
    });
    res.json({ ok: true, ...result, next: session.returnTo ?? '/' });
  });

  router.post('/authentication/options', async (req, res) => {
    parseBody(empty, req.body);
    const session = locals(res).session;
    let user: User | undefined;
    if (session?.stage === 'authenticated' && session.userId) user = await getUser(ctx.db, session.userId);
    else if (session?.stage === 'anonymous' && session.pendingEmail) {
      const found = await findUsersByEmail(ctx.db, session.pendingEmail);
      user = found.length === 1 ? found[0] : undefined;
    } else throw new PortalError('ERR_UNAUTHENTICATED', 'Enter your email first.');
    // An unknown email gets the same shape (no credentials) as a known one without device sign-in.
    // Whether an email has device sign-in credentials is visible here: the email-first flow needs
    // it to pick device sign-in, as in WebAuthn's usual username-first pattern. Passwords and TOTP
    // stay behind throttling; the credential ids alone let nobody sign in.
    const { challenge } = await issueChallenge(
      ctx.db,
      { purpose: 'authentication', userId: user?.id ?? null, sessionHash: session.idHash },
      ctx.clock(),
    );
    // Only credentials whose device is still enrolled and unrevoked are worth offering; when the
    // user has credentials but none of them counts, the page learns why before Protect is asked.
    const availability = user ? await deviceSignInAvailability(ctx.db, user) : { usable: [] };
    const options = await generateAuthenticationOptions({
      rpID: ctx.config.rpId,
      challenge: fromBase64url(challenge),
      timeout: CHALLENGE_TTL_MS,
      userVerification: 'required',
      allowCredentials: availability.usable.map((c) => ({ id: c.id, transports: c.transports })),
    });
    res.json({ options, ...(availability.refusal ? { unavailable: availability.refusal } : {}) });
  });

  router.post('/authentication/verify', async (req, res) => {
    const body = parseBody(authenticationBody, req.body);
    const session = locals(res).session;
    if (!session || (session.stage !== 'anonymous' && session.stage !== 'authenticated')) {
      throw new PortalError('ERR_UNAUTHENTICATED', 'Enter your email first.');
    }
    const { user, credential } = await verifyDeviceSignIn(ctx, { session, credential: body.credential });
    const { next } = await completeSignIn(ctx, req, res, session, {
      user,
      method: 'device',
      deviceId: credential.deviceId,
      credentialId: credential.id,
      next: session.returnTo ?? '/',
    });
    res.json({ ok: true, next });
  });

  return router;
}
