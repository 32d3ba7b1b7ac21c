/** The User Portal home: the apps assigned to the signed-in user, and the session's trust. */
import { Router } from 'express';
import { listAppsForUser } from '../apps/index.js';
import { getSignedIn, type SignedIn } from '../auth/sessionMiddleware.js';
import { sendHtml } from '../http/sendHtml.js';
import type { PortalContext } from '../PortalContext.js';
import { postureReport } from '../posture/postureReport.js';
import { sessionKeyProtection } from '../store/keyProtection.js';
import { deviceSignInAvailability } from '../trust/deviceSignInAvailability.js';
import { deviceHealthPage, postureBanner } from '../views/deviceHealthPage.js';
import { homePage } from '../views/portalPages.js';

export function homeRoutes(ctx: PortalContext): Router {
  const router = Router();
  // The device's posture as last reported, for a session that came from device sign-in.
  const postureOf = async (signedIn: SignedIn) =>
    signedIn.session.deviceId
      ? await postureReport(ctx.db, signedIn.user.orgId, signedIn.session.deviceId, ctx.clock())
      : undefined;
  router.get('/', async (req, res) => {
    const signedIn = await getSignedIn(ctx, req);
    if (!signedIn) return res.redirect(303, '/signin');
    // Users see only the apps assigned to them.
    const apps = (await listAppsForUser(ctx.db, signedIn.user.id)).map((a) => ({
      name: a.name,
      launchUrl: a.launchUrl,
      protected: a.protected,
    }));
    const report = await postureOf(signedIn);
    sendHtml(
      res,
      homePage({
        csrfToken: signedIn.session.csrfToken,
        email: signedIn.user.email,
        apps,
        trust: signedIn.trust,
        // No device sign-in offer that could only be refused: say why instead.
        deviceSignInRefusal: (await deviceSignInAvailability(ctx.db, signedIn.user)).refusal?.message,
        postureNotice: report ? postureBanner(report) : '',
        keyProtection: await sessionKeyProtection(ctx.db, signedIn.session),
      }),
    );
  });
  router.get('/device-health', async (req, res) => {
    const signedIn = await getSignedIn(ctx, req);
    if (!signedIn) return res.redirect(303, '/signin?return_to=/device-health');
    sendHtml(
      res,
      deviceHealthPage({
        csrfToken: signedIn.session.csrfToken,
        email: signedIn.user.email,
        report: await postureOf(signedIn),
      }),
    );
  });
  return router;
}
