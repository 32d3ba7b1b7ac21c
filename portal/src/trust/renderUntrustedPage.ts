/**
 * The refusal a protected app shows to an untrusted session (the OIDC part calls this from its
 * interaction): HTTP 403, why the session is not trusted, what to do, and a device sign-in
 * (step-up) button that signin.js reveals when the extension is present.
 */
import type { Request, Response } from 'express';
import { getSignedIn } from '../auth/sessionMiddleware.js';
import { safeReturnTo } from '../http/parseBody.js';
import { sendHtml } from '../http/sendHtml.js';
import type { PortalContext } from '../PortalContext.js';
import { audit } from '../store/audit.js';
import { untrustedPage } from '../views/portalPages.js';
import { deviceSignInAvailability } from './deviceSignInAvailability.js';

/**
 * Sends the refusal page. `returnTo` is the same-site path to resume after step-up (e.g. the OIDC
 * interaction URL); without a signed-in user the caller should send the user to sign in instead.
 */
export async function renderUntrustedPage(
  ctx: PortalContext,
  req: Request,
  res: Response,
  options: { appName: string; returnTo: string },
): Promise<void> {
  const signedIn = await getSignedIn(ctx, req);
  const returnTo = safeReturnTo(options.returnTo) ?? '/';
  if (!signedIn) {
    res.redirect(303, `/signin?return_to=${encodeURIComponent(returnTo)}`);
    return;
  }
  await audit(
    ctx.db,
    {
      event: 'app.refused-untrusted',
      actor: `user:${signedIn.user.id}`,
      orgId: signedIn.user.orgId,
      userId: signedIn.user.id,
      deviceId: signedIn.session.deviceId,
      details: { app: options.appName, reason: signedIn.trust.reason },
    },
    ctx.clock(),
  );
  sendHtml(
    res,
    untrustedPage({
      csrfToken: signedIn.session.csrfToken,
      email: signedIn.user.email,
      appName: options.appName,
      reason: signedIn.trust.message,
      stepUpUrl: `/signin/step-up?return_to=${encodeURIComponent(returnTo)}`,
      deviceSignInRefusal: (await deviceSignInAvailability(ctx.db, signedIn.user)).refusal?.message,
    }),
    403,
  );
}
