/**
 * The small seam between the OIDC part and the portal core: how to find the signed-in user of a
 * request, where the sign-in and step-up pages are, and how the refusal for an untrusted session
 * looks. `defaultOidcHooks` wires the core's own functions; tests and the core may override any.
 */
import type { Request, Response } from 'express';
import { getSignedIn, type SignedIn } from '../auth/sessionMiddleware.js';
import type { PortalContext } from '../PortalContext.js';
import { deviceSignInAvailability } from '../trust/deviceSignInAvailability.js';
import { untrustedPage } from '../views/portalPages.js';

export interface OidcHooks {
  /** The signed-in user of `req` with Device Trust evaluated now, or undefined. */
  getSignedIn(req: Request): Promise<SignedIn | undefined>;
  /** The portal's sign-in page, coming back to `returnTo` (a path on the portal) when done. */
  signInUrl(returnTo: string): string;
  /** Device sign-in for a signed-in user (step-up), coming back to `returnTo`. */
  stepUpUrl(returnTo: string): string;
  /** Writes the 403 page for a protected app opened from an untrusted session. */
  renderUntrustedPage(
    req: Request,
    res: Response,
    info: { signedIn: SignedIn; appName: string; reason: string; returnTo: string },
  ): Promise<void>;
}

/** The core's functions, by their agreed names. */
export function defaultOidcHooks(ctx: PortalContext): OidcHooks {
  const signInUrl = (returnTo: string) => `/signin?return_to=${encodeURIComponent(returnTo)}`;
  const stepUpUrl = (returnTo: string) => `/signin/step-up?return_to=${encodeURIComponent(returnTo)}`;
  return {
    getSignedIn: (req) => getSignedIn(ctx, req),
    signInUrl,
    stepUpUrl,
    renderUntrustedPage: async (_req, res, info) => {
      const availability = await deviceSignInAvailability(ctx.db, info.signedIn.user);
      res
        .status(403)
        .type('html')
        .send(
          untrustedPage({
            csrfToken: info.signedIn.session.csrfToken,
            email: info.signedIn.user.email,
            appName: info.appName,
            reason: info.reason,
            stepUpUrl: stepUpUrl(info.returnTo),
            deviceSignInRefusal: availability.refusal?.message,
          }).value,
        );
    },
  };
}
