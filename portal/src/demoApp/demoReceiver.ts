/**
 * The demo SSO app's side of revocation (issue 11): an OIDC Back-Channel Logout 1.0 endpoint and
 * an SSF push receiver (RFC 8935) for CAEP SETs. Both verify with `jose` against the portal's
 * JWKS (signature, `typ`, issuer, audience, the event), drop a repeated `jti` as already done,
 * and end the local sessions the token names: by `sid` when it carries one, else every session of
 * the `sub`. What arrived is kept (bounded) so the demo page and the tests can show it.
 */
import type { IncomingMessage } from 'node:http';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
export const CAEP_SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
export const CAEP_DEVICE_COMPLIANCE_CHANGE =
  'https://schemas.openid.net/secevent/caep/event-type/device-compliance-change';

/** One verified notice, as received. */
export interface ReceivedNotice {
  kind: 'backchannel-logout' | 'caep';
  /** The compact JWT exactly as it arrived. */
  token: string;
  claims: JWTPayload;
  /** Local sessions it ended. */
  ended: number;
  at: number;
}

/** An answer for the HTTP layer: status and JSON body (RFC 8935 §2.3 error shape for SETs). */
export interface ReceiverAnswer {
  status: number;
  body?: { err: string; description: string } | { error: string; error_description: string };
}

const MAX_KEPT = 100;
const MAX_JTIS = 1000;

export function createDemoReceiver(options: {
  issuer: string;
  jwksUri: () => Promise<string>;
  clientId: () => string | undefined;
  /** Ends the local sessions of `sub` (only the one with `sid` when given); returns how many. */
  endSessions: (sub: string, sid: string | undefined) => number;
}) {
  const issuer = options.issuer.replace(/\/$/, '');
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  const keys = async () => {
    jwks ??= createRemoteJWKSet(new URL(await options.jwksUri()));
    return jwks;
  };
  const received: ReceivedNotice[] = [];
  const seen = new Set<string>();
  const firstTime = (jti: string): boolean => {
    if (seen.has(jti)) return false;
    if (seen.size >= MAX_JTIS) seen.delete(seen.values().next().value as string);
    seen.add(jti);
    return true;
  };
  const keep = (n: ReceivedNotice) => {
    if (received.length >= MAX_KEPT) received.shift();
    received.push(n);
  };

  /** `POST /backchannel-logout` with the form field `logout_token` (OIDC BCL 1.0 §2.5–2.8). */
  async function backchannelLogout(form: URLSearchParams): Promise<ReceiverAnswer> {
    const refuse = (description: string): ReceiverAnswer => ({
      status: 400,
      body: { error: 'invalid_request', error_description: description },
    });
    const token = form.get('logout_token');
    const clientId = options.clientId();
    if (!token || !clientId) return refuse('logout_token missing');
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, await keys(), {
        issuer,
        audience: clientId,
        typ: 'logout+jwt',
        algorithms: ['ES256'],
        requiredClaims: ['iat', 'exp', 'jti'],
      }));
    } catch (err) {
      return refuse(`logout token not valid (${(err as { code?: string }).code ?? 'ERR_JWT_INVALID'})`);
    }
    const events = claims.events as Record<string, unknown> | undefined;
    if (!events || typeof events[BACKCHANNEL_LOGOUT_EVENT] !== 'object') return refuse('not a logout token');
    if ('nonce' in claims) return refuse('a logout token must not carry a nonce');
    const sid = typeof claims.sid === 'string' ? claims.sid : undefined;
    if (!claims.sub && !sid) return refuse('neither sub nor sid');
    if (!firstTime(claims.jti as string)) return { status: 200 };
    const ended = claims.sub ? options.endSessions(claims.sub, sid) : 0;
    keep({ kind: 'backchannel-logout', token, claims, ended, at: Date.now() });
    return { status: 200 };
  }

  /** `POST /ssf/events`: one SET per request, `Content-Type: application/secevent+jwt` (RFC 8935). */
  async function pushedSet(contentType: string | undefined, body: string): Promise<ReceiverAnswer> {
    const refuse = (err: string, description: string): ReceiverAnswer => ({ status: 400, body: { err, description } });
    if (contentType?.split(';')[0]?.trim().toLowerCase() !== 'application/secevent+jwt') {
      return refuse('invalid_request', 'expected Content-Type: application/secevent+jwt');
    }
    const audience = options.clientId();
    if (!audience) return refuse('invalid_audience', 'this receiver is not configured');
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(body.trim(), await keys(), {
        typ: 'secevent+jwt',
        algorithms: ['ES256'],
        requiredClaims: ['iat', 'jti'],
      }));
    } catch (err) {
      return refuse('invalid_key', `SET signature not valid (${(err as { code?: string }).code ?? 'ERR_JWS_INVALID'})`);
    }
    if (claims.iss !== issuer) return refuse('invalid_issuer', `issuer "${String(claims.iss)}" is not "${issuer}"`);
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(audience)) return refuse('invalid_audience', `audience is not "${audience}"`);
    const events = claims.events as Record<string, Record<string, unknown>> | undefined;
    const types = events && typeof events === 'object' ? Object.keys(events) : [];
    if (types.length !== 1) return refuse('invalid_request', 'a SET carries exactly one event');
    if (!firstTime(claims.jti as string)) return { status: 202 };
    const subject = claims.sub_id as
      | { format?: string; user?: { format?: string; iss?: string; sub?: string }; session?: { id?: string } }
      | undefined;
    const user = subject?.format === 'complex' ? subject.user : undefined;
    let ended = 0;
    if (types[0] === CAEP_SESSION_REVOKED && user?.format === 'iss_sub' && user.iss === issuer && user.sub) {
      ended = options.endSessions(user.sub, subject?.session?.id);
    }
    keep({ kind: 'caep', token: body.trim(), claims, ended, at: Date.now() });
    return { status: 202 };
  }

  return { backchannelLogout, pushedSet, received: (): readonly ReceivedNotice[] => [...received] };
}

/**
 * A notice's body, or undefined past `maxBytes`: beyond the cap nothing more is kept, but it is
 * read to the end so the 413 reaches the sender.
 */
export function readNoticeBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) chunks.length = 0;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
