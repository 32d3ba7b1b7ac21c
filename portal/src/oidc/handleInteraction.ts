/**
 * The OpenID Provider's login/consent interaction, answered by the portal itself. Every
 * authorization request comes through here (see the `keybound_portal` check), so the portal's
 * session, the app's assignment and Device Trust are checked on every launch, not once:
 *   not signed in            → the portal's sign-in, which comes back here;
 *   app not assigned         → a refusal page (no code);
 *   protected app, Device Trust on, session not trusted → the untrusted page with step-up (no code);
 *   otherwise                → a grant for the requested scopes (implicit consent for the
 *                              organisation's own apps) and a login result carrying amr/acr.
 */
import type { Request, Response } from 'express';
import type Provider from 'oidc-provider';
import { findAppByClientId, isAppAssigned } from '../apps/findApp.js';
import type { PortalContext } from '../PortalContext.js';
import { describeBlockingRule, postureReport } from '../posture/postureReport.js';
import { audit } from '../store/audit.js';
import { OIDC_TTL } from './createOidcProvider.js';
import { describeAuthentication } from './describeAuthentication.js';
import { saveGrantFacts } from './grantFacts.js';
import type { OidcHooks } from './OidcHooks.js';
import { interactionExpiredPage, notAssignedPage } from './oidcPages.js';
import { interactionPath } from './oidcRoutes.js';

const SUPPORTED_SCOPES = new Set(['openid', 'email']);

/** Express handler for `GET /oidc/interaction/:uid`. */
export function handleInteraction(ctx: PortalContext, provider: Provider, hooks: OidcHooks) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set('Cache-Control', 'no-store');
    let details: Awaited<ReturnType<Provider['interactionDetails']>>;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      // No interaction cookie, or the interaction expired or finished: nothing to continue.
      ctx.logger.info({ event: 'oidc.interaction_missing', code: 'ERR_NOT_FOUND' }, 'OIDC interaction not found');
      res.status(400).type('html').send(interactionExpiredPage().value);
      return;
    }
    if (details.uid !== req.params.uid) {
      res.status(400).type('html').send(interactionExpiredPage().value);
      return;
    }
    const here = interactionPath(details.uid);
    const clientId = String(details.params.client_id ?? '');
    const app = await findAppByClientId(ctx.db, clientId);
    if (!app) {
      // The app was deleted while the user was signing in.
      res.status(400).type('html').send(interactionExpiredPage().value);
      return;
    }

    const signedIn = await hooks.getSignedIn(req);
    if (!signedIn) {
      res.redirect(303, hooks.signInUrl(here));
      return;
    }
    const { user, session, trust } = signedIn;
    const now = ctx.clock();
    const refuse = async (code: string, reason: string): Promise<void> => {
      await audit(
        ctx.db,
        {
          event: 'sso.refused',
          actor: `user:${user.id}`,
          orgId: user.orgId,
          userId: user.id,
          deviceId: session.deviceId,
          details: { app: app.name, clientId, code, reason, trusted: trust.trusted },
        },
        now,
      );
      ctx.logger.info({ event: 'sso.refused', code, app: app.name }, 'SSO launch refused');
    };

    if (app.orgId !== user.orgId || !(await isAppAssigned(ctx.db, app.id, user.id))) {
      await refuse('ERR_FORBIDDEN', 'not-assigned');
      res
        .status(403)
        .type('html')
        .send(
          notAssignedPage({
            appName: app.name,
            email: user.email,
            csrfToken: session.csrfToken,
            abortUrl: `${here}/abort`,
          }).value,
        );
      return;
    }
    if (app.protected && trust.required && !trust.trusted) {
      await refuse('ERR_DEVICE_NOT_TRUSTED', trust.reason);
      await hooks.renderUntrustedPage(req, res, { signedIn, appName: app.name, reason: trust.message, returnTo: here });
      return;
    }
    // Posture policy: a protected app is refused while a rule blocks this device, naming the rule.
    const blockedBy =
      app.protected && session.deviceId
        ? (await postureReport(ctx.db, user.orgId, session.deviceId, now)).blockedBy
        : undefined;
    if (blockedBy) {
      refuse('ERR_POSTURE_BLOCKED', `posture:${blockedBy.rule}`);
      hooks.renderUntrustedPage(req, res, {
        signedIn,
        appName: app.name,
        reason: describeBlockingRule(blockedBy),
        returnTo: here,
      });
      return;
    }
    if (!session.method) throw new TypeError('An authenticated session has no sign-in method');

    await forgetOtherAccount(provider, details, user.id);
    const grant = new provider.Grant({ accountId: user.id, clientId });
    const requested = String(details.params.scope ?? 'openid').split(' ');
    grant.addOIDCScope(requested.filter((s) => SUPPORTED_SCOPES.has(s)).join(' '));
    const missingClaims = (details.prompt.details as { missingOIDCClaims?: string[] }).missingOIDCClaims;
    if (missingClaims?.length) grant.addOIDCClaims(missingClaims);
    const grantId = await grant.save();
    await saveGrantFacts(
      ctx.db,
      {
        grantId,
        userId: user.id,
        method: session.method,
        deviceTrusted: trust.trusted,
        clientId,
        deviceId: session.deviceId,
        credentialId: session.credentialId,
      },
      now,
      OIDC_TTL.Grant,
    );

    const how = describeAuthentication(session.method);
    await audit(
      ctx.db,
      {
        event: 'sso.signin',
        actor: `user:${user.id}`,
        orgId: user.orgId,
        userId: user.id,
        deviceId: session.deviceId,
        details: {
          app: app.name,
          clientId,
          method: session.method,
          trusted: trust.trusted,
          phishingResistant: how.phishingResistant,
        },
      },
      now,
    );
    ctx.logger.info(
      { event: 'sso.signin', app: app.name, method: session.method, trusted: trust.trusted },
      'SSO sign-in',
    );
    await provider.interactionFinished(
      req,
      res,
      {
        login: { accountId: user.id, amr: how.amr, acr: how.acr, ts: Math.floor(session.createdAt / 1000) },
        consent: { grantId },
      },
      { mergeWithLastSubmission: false },
    );
  };
}

/**
 * oidc-provider's own session may still name the previous portal user of this browser (they
 * signed out, someone else signed in). Left alone, oidc-provider would answer with a JavaScript
 * logout form; the portal session is the truth, so the stale session is simply destroyed and
 * unlinked from the interaction before the new login result is saved.
 */
async function forgetOtherAccount(
  provider: Provider,
  details: Awaited<ReturnType<Provider['interactionDetails']>>,
  userId: string,
): Promise<void> {
  const previous = details.session;
  if (!previous || previous.accountId === userId) return;
  const stale = previous.cookie ? await provider.Session.find(previous.cookie) : undefined;
  await stale?.destroy();
  details.session = undefined;
  await details.save(details.exp - Math.floor(Date.now() / 1000));
}

/** `GET /oidc/interaction/:uid/abort`: tells the app the user was refused (`access_denied`). */
export function handleInteractionAbort(ctx: PortalContext, provider: Provider) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set('Cache-Control', 'no-store');
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== req.params.uid) throw new Error('interaction mismatch');
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The app is not assigned to this user' },
        { mergeWithLastSubmission: false },
      );
    } catch {
      ctx.logger.info({ event: 'oidc.interaction_missing', code: 'ERR_NOT_FOUND' }, 'OIDC interaction not found');
      res.status(400).type('html').send(interactionExpiredPage().value);
    }
  };
}
