/**
 * The two DBSC endpoints (spec: "Server considerations"). Registration stores the session key a
 * proof carries and sets the first bound cookie; refresh checks a fresh proof from that key,
 * re-evaluates the device's standing and posture, and renews the cookie. Every refusal has its
 * own code and audit line. No CSRF token: the proof is what authorises, and the refresh endpoint
 * sends no CORS headers, so other sites cannot read its answers.
 */
import { type Request, type Response, Router } from 'express';
import {
  formatChallengeHeader,
  KEYBOUND_SESSION_ID,
  parseSfString,
  SEC_SECURE_SESSION_ID,
  SECURE_SESSION_CHALLENGE,
  SECURE_SESSION_RESPONSE,
} from '../../../shared/dbsc/dbscHeaders.js';
import { jwkThumbprint } from '../../../shared/dbsc/jwkThumbprint.js';
import { PortalError, type PortalErrorCode } from '../../../shared/errors.js';
import { readSessionCookie, setBoundCookie } from '../http/cookies.js';
import type { PortalContext } from '../PortalContext.js';
import { audit } from '../store/audit.js';
import {
  type BoundSession,
  findBoundSessionsByThumbprint,
  getBoundSession,
  insertBoundSession,
  rotateBoundCookie,
} from '../store/boundSessions.js';
import { consumeDbscChallenge, issueDbscChallenge } from '../store/dbscChallenges.js';
import { findSession, findSessionByHash } from '../store/sessions.js';
import { getUser } from '../store/users.js';
import { refreshSecondsFor } from './checkSessionBinding.js';
import { DBSC_REFRESH_PATH, DBSC_REGISTER_PATH } from './offerBoundSession.js';
import { reevaluateOnRefresh } from './reevaluateOnRefresh.js';
import { revokeOnRefresh } from './revokeOnRefresh.js';
import { sessionInstructions } from './sessionInstructions.js';
import { terminateBoundSession } from './terminateBoundSession.js';
import { MAX_DBSC_PROOF_CHARS, verifyDbscProof } from './verifyDbscProof.js';

/** A refresh challenge outlives one interval, so the one sent with a refresh serves the next. */
const refreshChallengeTtlMs = (refreshSeconds: number) => (refreshSeconds + 120) * 1000;

export function dbscRoutes(ctx: PortalContext): Router {
  const router = Router();
  const url = (path: string) => `${ctx.config.origin}${path}`;

  const refuse = async (
    res: Response,
    code: PortalErrorCode,
    message: string,
    facts: {
      userId?: string | null;
      deviceId?: string | null;
      boundId?: string;
      phase: string;
      challengeFor?: BoundSession;
    },
  ): Promise<void> => {
    const user = facts.userId ? await getUser(ctx.db, facts.userId) : undefined;
    await audit(
      ctx.db,
      {
        event: `dbsc.${facts.phase}.refused`,
        actor: facts.userId ? `user:${facts.userId}` : 'anonymous',
        orgId: user?.orgId ?? null,
        userId: facts.userId ?? null,
        deviceId: facts.deviceId ?? null,
        details: { code, reason: message, ...(facts.boundId ? { session: facts.boundId } : {}) },
      },
      ctx.clock(),
    );
    ctx.logger.warn({ event: `dbsc.${facts.phase}.refused`, code }, message);
    if (facts.challengeFor) await sendChallenge(res, facts.challengeFor);
    const err = new PortalError(code, message);
    // To a DBSC client 403 means "sign a new challenge"; every other refusal must end its session.
    const status =
      code === 'ERR_DBSC_PROOF_STALE' || code === 'ERR_CHALLENGE_INVALID' ? 403 : err.status === 403 ? 401 : err.status;
    res.status(status).json(err.toWire());
  };

  const sendChallenge = async (res: Response, bound: BoundSession): Promise<void> => {
    const seconds = await refreshSecondsFor(ctx, bound.userId);
    const challenge = await issueDbscChallenge(
      ctx.db,
      { purpose: 'refresh', boundId: bound.id, ttlMs: refreshChallengeTtlMs(seconds) },
      ctx.clock(),
    );
    res.setHeader(SECURE_SESSION_CHALLENGE, formatChallengeHeader(challenge, bound.id));
  };

  router.post(DBSC_REGISTER_PATH, async (req: Request, res: Response) => {
    const now = ctx.clock();
    const rawCookie = readSessionCookie(req);
    const session = rawCookie ? await findSession(ctx.db, rawCookie, now) : undefined;
    const proof = parseSfString(req.get(SECURE_SESSION_RESPONSE), MAX_DBSC_PROOF_CHARS);
    if (session?.stage !== 'authenticated' || !session.userId) {
      return refuse(res, 'ERR_UNAUTHENTICATED', 'Registration needs the signed-in session it was offered to', {
        phase: 'register',
      });
    }
    const facts = { userId: session.userId, deviceId: session.deviceId, phase: 'register' };
    if (!proof) return refuse(res, 'ERR_DBSC_PROOF_FORGED', 'Secure-Session-Response is missing or malformed', facts);
    const verified = await verifyDbscProof({ jwt: proof, expectedAud: url(DBSC_REGISTER_PATH), now });
    if (!verified.verified) return refuse(res, verified.code, verified.message, facts);
    const consumed = await consumeDbscChallenge(ctx.db, { challenge: verified.jti, purpose: 'registration' }, now);
    if (!consumed.ok) return refuse(res, challengeCode(consumed.reason), challengeMessage(consumed.reason), facts);
    if (consumed.sessionHash !== session.idHash) {
      return refuse(res, 'ERR_CHALLENGE_INVALID', 'The challenge was offered to another session', facts);
    }
    const seconds = await refreshSecondsFor(ctx, session.userId);
    const { bound, cookie } = await insertBoundSession(
      ctx.db,
      {
        sessionHash: session.idHash,
        userId: session.userId,
        deviceId: session.deviceId,
        publicJwk: verified.jwk as JsonWebKey,
        // Computed from the key itself: a kid in the header is the client's word.
        keyThumbprint: await jwkThumbprint(verified.jwk as JsonWebKey),
        cookieTtlMs: seconds * 1000,
      },
      now,
    );
    const user = await getUser(ctx.db, session.userId);
    await audit(
      ctx.db,
      {
        event: 'dbsc.registered',
        actor: `user:${session.userId}`,
        orgId: user?.orgId ?? null,
        userId: session.userId,
        deviceId: session.deviceId,
        details: { session: bound.id, refreshSeconds: seconds },
      },
      now,
    );
    setBoundCookie(res, ctx.config, cookie, seconds);
    await sendChallenge(res, bound);
    res.setHeader('Cache-Control', 'no-store');
    res.json(sessionInstructions(ctx.config, bound.id));
  });

  router.post(DBSC_REFRESH_PATH, async (req: Request, res: Response) => {
    const now = ctx.clock();
    res.setHeader('Cache-Control', 'no-store');
    const id = parseSfString(req.get(SEC_SECURE_SESSION_ID) ?? req.get(KEYBOUND_SESSION_ID), 256);
    if (!id)
      return refuse(res, 'ERR_BAD_REQUEST', 'Sec-Secure-Session-Id is missing or malformed', { phase: 'refresh' });
    const bound = await getBoundSession(ctx.db, id);
    if (!bound || bound.endedAt !== null) {
      return refuse(res, 'ERR_DBSC_SESSION_UNKNOWN', 'No live bound session has this id', { phase: 'refresh' });
    }
    const facts = { userId: bound.userId, deviceId: bound.deviceId, boundId: bound.id, phase: 'refresh' };
    const session = await findSessionByHash(ctx.db, bound.sessionHash, now);
    if (!session) {
      await terminateBoundSession(ctx, bound, 'session-ended');
      return refuse(res, 'ERR_DBSC_SESSION_UNKNOWN', 'The portal session this binds has ended', facts);
    }
    const proof = parseSfString(req.get(SECURE_SESSION_RESPONSE), MAX_DBSC_PROOF_CHARS);
    if (!proof) {
      // The spec's first step of a refresh without a cached challenge: 403 with a challenge.
      await sendChallenge(res, bound);
      return void res.status(403).json({ code: 'ERR_DBSC_PROOF_STALE', message: 'Sign this challenge' });
    }
    const verified = await verifyDbscProof({
      jwt: proof,
      publicJwk: bound.publicJwk,
      expectedAud: url(DBSC_REFRESH_PATH),
      now,
    });
    if (!verified.verified) {
      if (verified.code === 'ERR_DBSC_PROOF_STALE')
        return refuse(res, verified.code, verified.message, { ...facts, challengeFor: bound });
      if (
        verified.kid &&
        verified.kid !== bound.keyThumbprint &&
        (await signedByOtherSession(proof, verified.kid, bound))
      ) {
        return refuse(res, 'ERR_DBSC_WRONG_KEY', 'The proof is signed by another device session’s key', facts);
      }
      return refuse(res, verified.code, verified.message, facts);
    }
    const consumed = await consumeDbscChallenge(
      ctx.db,
      { challenge: verified.jti, purpose: 'refresh', boundId: bound.id },
      now,
    );
    if (!consumed.ok) {
      const code = challengeCode(consumed.reason);
      return refuse(res, code, challengeMessage(consumed.reason), {
        ...facts,
        ...(code === 'ERR_DBSC_PROOF_REPLAYED' ? {} : { challengeFor: bound }),
      });
    }
    const standing = await reevaluateOnRefresh(ctx, { session, bound, payload: verified.payload, jti: verified.jti });
    if (!standing.ok) {
      await terminateBoundSession(ctx, bound, standing.reason);
      // A device out of policy or out of device management: its SSO app sessions end too.
      await revokeOnRefresh(ctx, bound, standing);
      return refuse(res, standing.code, standing.message, facts);
    }
    const seconds = await refreshSecondsFor(ctx, bound.userId);
    const cookie = await rotateBoundCookie(ctx.db, bound.id, seconds * 1000, now);
    setBoundCookie(res, ctx.config, cookie, seconds);
    await sendChallenge(res, bound);
    ctx.logger.debug({ event: 'dbsc.refreshed', session: bound.id }, 'bound session refreshed');
    res.json(sessionInstructions(ctx.config, bound.id));
  });

  /** Does `proof` verify with the key of another live bound session whose thumbprint is `kid`? */
  async function signedByOtherSession(proof: string, kid: string, own: BoundSession): Promise<boolean> {
    for (const other of await findBoundSessionsByThumbprint(ctx.db, kid)) {
      if (other.id === own.id) continue;
      const check = await verifyDbscProof({
        jwt: proof,
        publicJwk: other.publicJwk,
        expectedAud: url(DBSC_REFRESH_PATH),
        now: ctx.clock(),
      });
      if (check.verified || check.code === 'ERR_DBSC_PROOF_STALE') return true;
    }
    return false;
  }

  return router;
}

function challengeCode(reason: 'unknown' | 'replayed' | 'expired' | 'mismatch'): PortalErrorCode {
  if (reason === 'replayed') return 'ERR_DBSC_PROOF_REPLAYED';
  if (reason === 'expired') return 'ERR_DBSC_PROOF_STALE';
  return 'ERR_CHALLENGE_INVALID';
}

function challengeMessage(reason: 'unknown' | 'replayed' | 'expired' | 'mismatch'): string {
  if (reason === 'replayed') return 'The proof’s challenge was already used';
  if (reason === 'expired') return 'The proof’s challenge has expired';
  if (reason === 'mismatch') return 'The proof’s challenge was issued for something else';
  return 'The proof’s challenge is unknown';
}
