/**
 * The sign-in pages and forms: email → (device sign-in | passwordless offer | password) →
 * MFA → finish (device registration) → home; plus sign-out. Every POST passes the CSRF check
 * before its handler; every form body is size-capped and validated by a strict schema.
 */
import express, { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { PortalError } from '../../../shared/errors.js';
import { completeSignIn } from '../auth/completeSignIn.js';
import { checkPassword, checkTotp, mfaNeeded } from '../auth/passwordCheck.js';
import { checkedSession, requireCsrf } from '../auth/requireCsrf.js';
import { ensureSession, locals } from '../auth/sessionMiddleware.js';
import { clearBoundCookie, clearSessionCookie, setSessionCookie } from '../http/cookies.js';
import { parseBody, safeReturnTo } from '../http/parseBody.js';
import { sendHtml } from '../http/sendHtml.js';
import type { PortalContext } from '../PortalContext.js';
import { audit } from '../store/audit.js';
import { endBoundSession, findBoundSessionFor } from '../store/boundSessions.js';
import {
  type AnonymousSession,
  type AuthenticatedSession,
  deleteSession,
  rotateSession,
  type Session,
} from '../store/sessions.js';
import { getUser } from '../store/users.js';
import type { SafeHtml } from '../views/html.js';
import { continuePage, emailPage, finishPage, mfaPage, passwordPage, stepUpPage } from '../views/signInPages.js';

const csrfField = z.string().max(128);
const emailForm = z
  .object({
    _csrf: csrfField,
    email: z
      .string()
      .trim()
      .min(3)
      .max(254)
      .regex(/^[^\s@<>"]+@[^\s@<>"]+$/, 'expected an email address'),
  })
  .strict();
const passwordForm = z.object({ _csrf: csrfField, password: z.string().min(1).max(1024) }).strict();
const mfaForm = z
  .object({
    _csrf: csrfField,
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, 'expected 6 digits'),
  })
  .strict();
const signOutForm = z.object({ _csrf: csrfField }).strict();

/** The client's address: the TCP peer, or what a trusted balancer says (createPortalApp's `trust proxy`). */
const ip = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** Before sign-in, with the email the user typed. */
type PendingSession = AnonymousSession & { pendingEmail: string };
const isPending = (s: Session | undefined): s is PendingSession => s?.stage === 'anonymous' && !!s.pendingEmail;

/** Renders `page(error)` with the error's status, or rethrows what is not a PortalError. */
function renderFailure(res: Response, err: unknown, page: (error: string) => SafeHtml): void {
  if (!(err instanceof PortalError)) throw err;
  sendHtml(res, page(err.message), err.status);
}

export function signInRoutes(ctx: PortalContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  const pending = (res: Response): PendingSession | undefined => {
    const s = locals(res).session;
    return isPending(s) ? s : undefined;
  };
  const signedIn = (res: Response): AuthenticatedSession | undefined => {
    const s = locals(res).session;
    return s?.stage === 'authenticated' ? s : undefined;
  };

  router.get('/signin', async (req, res) => {
    const returnTo = safeReturnTo(req.query.return_to ?? req.query.next);
    const current = signedIn(res);
    if (current && !req.query.restart) {
      res.redirect(303, returnTo ?? '/');
      return;
    }
    let session = await ensureSession(ctx, res);
    if (session.stage !== 'anonymous' || req.query.restart || returnTo) {
      // A fresh pre-login session: a restart forgets the email, a return path is kept.
      const fresh = await rotateSession(
        ctx.db,
        session,
        { stage: 'anonymous', returnTo: returnTo ?? (req.query.restart ? session.returnTo : null) },
        ctx.clock(),
      );
      setSessionCookie(res, ctx.config, fresh.id, fresh.session.expiresAt);
      session = fresh.session;
    }
    sendHtml(
      res,
      emailPage({ csrfToken: session.csrfToken, ...(session.pendingEmail ? { email: session.pendingEmail } : {}) }),
    );
  });

  router.post('/signin', form, requireCsrf, async (req, res) => {
    const session = checkedSession(res);
    let email: string;
    try {
      ({ email } = parseBody(emailForm, req.body));
    } catch (err) {
      renderFailure(res, err, (error) => emailPage({ csrfToken: session.csrfToken, error }));
      return;
    }
    // A new pre-login session per attempt; the return path survives.
    const fresh = await rotateSession(
      ctx.db,
      session,
      { stage: 'anonymous', pendingEmail: email.toLowerCase(), returnTo: session.returnTo },
      ctx.clock(),
    );
    setSessionCookie(res, ctx.config, fresh.id, fresh.session.expiresAt);
    res.redirect(303, '/signin/continue');
  });

  router.get('/signin/continue', (_req, res) => {
    const session = pending(res);
    if (!session) return res.redirect(303, '/signin');
    sendHtml(
      res,
      continuePage({
        csrfToken: session.csrfToken,
        email: session.pendingEmail,
        rpId: ctx.config.rpId,
        next: session.returnTo ?? '/',
      }),
    );
  });

  router.get('/signin/password', (req, res) => {
    const session = pending(res);
    if (!session) return res.redirect(303, '/signin');
    const reason =
      typeof req.query.reason === 'string' && /^[A-Za-z_-]{1,64}$/.test(req.query.reason)
        ? req.query.reason
        : undefined;
    sendHtml(
      res,
      passwordPage({
        csrfToken: session.csrfToken,
        email: session.pendingEmail,
        ...(reason ? { reasonCode: reason } : {}),
      }),
    );
  });

  router.post('/signin/password', form, requireCsrf, async (req, res) => {
    const session = pending(res);
    if (!session) return res.redirect(303, '/signin');
    const page = (error: string) => passwordPage({ csrfToken: session.csrfToken, email: session.pendingEmail, error });
    try {
      const { password } = parseBody(passwordForm, req.body);
      const user = await checkPassword(ctx, { email: session.pendingEmail, password, ip: ip(req) });
      if (await mfaNeeded(ctx, user)) {
        // Password accepted: a new session id already (the MFA stage is a privilege change too).
        const next = await rotateSession(
          ctx.db,
          session,
          { stage: 'mfa', userId: user.id, pendingEmail: user.email, returnTo: session.returnTo },
          ctx.clock(),
        );
        setSessionCookie(res, ctx.config, next.id, next.session.expiresAt);
        return res.redirect(303, '/signin/mfa');
      }
      await completeSignIn(ctx, req, res, session, { user, method: 'password' });
      res.redirect(303, '/signin/finish');
    } catch (err) {
      renderFailure(res, err, page);
    }
  });

  router.get('/signin/mfa', (_req, res) => {
    const session = locals(res).session;
    if (session?.stage !== 'mfa') return res.redirect(303, '/signin');
    sendHtml(res, mfaPage({ csrfToken: session.csrfToken, email: session.pendingEmail ?? '' }));
  });

  router.post('/signin/mfa', form, requireCsrf, async (req, res) => {
    const session = checkedSession(res);
    const user = session.stage === 'mfa' ? await getUser(ctx.db, session.userId) : undefined;
    if (!user) return res.redirect(303, '/signin');
    try {
      const { code } = parseBody(mfaForm, req.body);
      await checkTotp(ctx, user, code, ip(req));
      await completeSignIn(ctx, req, res, session, { user, method: 'password+mfa' });
      res.redirect(303, '/signin/finish');
    } catch (err) {
      renderFailure(res, err, (error) => mfaPage({ csrfToken: session.csrfToken, email: user.email, error }));
    }
  });

  router.get('/signin/finish', async (_req, res) => {
    const session = signedIn(res);
    const user = session && (await getUser(ctx.db, session.userId));
    if (!session || !user) return res.redirect(303, '/signin');
    sendHtml(
      res,
      finishPage({
        csrfToken: session.csrfToken,
        email: user.email,
        rpId: ctx.config.rpId,
        next: session.returnTo ?? '/',
      }),
    );
  });

  router.get('/signin/step-up', async (req, res) => {
    const session = signedIn(res);
    const user = session && (await getUser(ctx.db, session.userId));
    const next = safeReturnTo(req.query.return_to ?? req.query.next) ?? '/';
    if (!session || !user) return res.redirect(303, `/signin?return_to=${encodeURIComponent(next)}`);
    sendHtml(res, stepUpPage({ csrfToken: session.csrfToken, email: user.email, rpId: ctx.config.rpId, next }));
  });

  router.post('/signout', form, requireCsrf, async (req, res) => {
    parseBody(signOutForm, req.body);
    const session = checkedSession(res);
    await deleteSession(ctx.db, session.idHash);
    const bound = await findBoundSessionFor(ctx.db, session.idHash);
    if (bound) await endBoundSession(ctx.db, bound.id, 'signed-out', ctx.clock());
    clearSessionCookie(res, ctx.config);
    clearBoundCookie(res, ctx.config);
    if (session.userId) {
      const user = await getUser(ctx.db, session.userId);
      await audit(
        ctx.db,
        { event: 'signout', actor: `user:${session.userId}`, orgId: user?.orgId ?? null, userId: session.userId },
        ctx.clock(),
      );
    }
    res.redirect(303, '/signin');
  });

  return router;
}
