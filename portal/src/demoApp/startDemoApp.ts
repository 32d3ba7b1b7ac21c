/**
 * The demo SSO app: a tiny relying party (openid-client 6) on 127.0.0.1 that signs users in
 * through the portal with the authorization code flow, PKCE (S256), state and nonce, then shows
 * who signed in, how (`amr`, `acr`) and whether the device was trusted. It also takes the portal's
 * revocation notices (demoReceiver.ts): `POST /backchannel-logout` (OIDC Back-Channel Logout) and
 * `POST /ssf/events` (CAEP SETs, RFC 8935 push), each ending the local sessions they name.
 * In-memory state only: it exists for the demo and the tests, not as a model of session storage.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import type { Logger } from '../../../shared/node/createLogger.js';
import { parseCookies } from '../http/cookies.js';
import { type DemoUser, demoErrorPage, demoSignedInPage, demoStartPage } from './demoPages.js';
import { createDemoReceiver, type ReceivedNotice, readNoticeBody } from './demoReceiver.js';

export interface StartDemoAppOptions {
  /** 0 picks a free port. */
  port: number;
  /** The portal's issuer (origin), e.g. `http://localhost:8080`. */
  issuer: string;
  /** May be left out and given later with `setClient` (the redirect URI needs the port first). */
  clientId?: string;
  /** Absent for a public client (PKCE only). */
  clientSecret?: string;
  logger: Logger;
}

export interface DemoApp {
  port: number;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `<origin>/callback`: register it as the app's redirect URI. */
  redirectUri: string;
  /** `<origin>/backchannel-logout`: register it as the app's back-channel logout URI. */
  backchannelLogoutUri: string;
  /** `<origin>/ssf/events`: register it as an SSF push receiver tied to this app. */
  ssfEndpoint: string;
  /** Verified revocation notices received (newest last, at most 100). */
  received(): readonly ReceivedNotice[];
  /** Local sessions now signed in. */
  sessionCount(): number;
  setClient(clientId: string, clientSecret?: string): void;
  close(): Promise<void>;
}

const TX_COOKIE = 'kb_demo_tx';
const SESSION_COOKIE = 'kb_demo_session';
const MAX_ENTRIES = 1000;
const MAX_NOTICE_BYTES = 16 * 1024;
const TX_TTL_MS = 10 * 60_000;

interface Transaction {
  state: string;
  nonce: string;
  verifier: string;
  createdAt: number;
}

/** Starts the demo app; resolves once it listens. */
export async function startDemoApp(options: StartDemoAppOptions): Promise<DemoApp> {
  const { logger } = options;
  let clientId = options.clientId;
  let clientSecret = options.clientSecret;
  let config: client.Configuration | undefined;
  const transactions = new Map<string, Transaction>();
  const sessions = new Map<string, DemoUser & { sid?: string }>();
  let origin = '';

  const remember = <T>(map: Map<string, T>, value: T): string => {
    // Bounded: the oldest entry goes first, so a flood of /login requests cannot grow memory.
    if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as string);
    const id = randomBytes(24).toString('base64url');
    map.set(id, value);
    return id;
  };

  const getConfig = async (): Promise<client.Configuration> => {
    if (config) return config;
    if (!clientId) throw new Error('not configured');
    const issuer = new URL(options.issuer);
    const auth = clientSecret ? client.ClientSecretBasic(clientSecret) : client.None();
    config = await client.discovery(
      issuer,
      clientId,
      { redirect_uris: [`${origin}/callback`], response_types: ['code'] },
      auth,
      // Plain http is accepted only for a loopback issuer (dev and tests).
      issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname)
        ? { execute: [client.allowInsecureRequests] }
        : undefined,
    );
    return config;
  };

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}) => {
    res.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Frame-Options': 'DENY',
      ...headers,
    });
    res.end(body);
  };
  const cookie = (name: string, value: string, maxAge: number) =>
    `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`;

  const login = async (res: ServerResponse) => {
    const cfg = await getConfig();
    const tx: Transaction = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      createdAt: Date.now(),
    };
    const url = client.buildAuthorizationUrl(cfg, {
      redirect_uri: `${origin}/callback`,
      scope: 'openid email',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(tx.verifier),
      code_challenge_method: 'S256',
      state: tx.state,
      nonce: tx.nonce,
    });
    const txId = remember(transactions, tx);
    send(res, 303, '', { Location: url.href, 'Set-Cookie': cookie(TX_COOKIE, txId, TX_TTL_MS / 1000) });
  };

  const callback = async (req: IncomingMessage, res: ServerResponse, cookies: Map<string, string>) => {
    const txId = cookies.get(TX_COOKIE) ?? '';
    const tx = transactions.get(txId);
    transactions.delete(txId);
    if (!tx || Date.now() - tx.createdAt > TX_TTL_MS) {
      send(res, 400, demoErrorPage(400, 'This sign-in was not started here or has expired. Start again.'));
      return;
    }
    const cfg = await getConfig();
    const tokens = await client.authorizationCodeGrant(cfg, new URL(req.url ?? '/', origin), {
      pkceCodeVerifier: tx.verifier,
      expectedState: tx.state,
      expectedNonce: tx.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new Error('no ID token');
    const user: DemoUser = {
      sub: claims.sub,
      email: typeof claims.email === 'string' ? claims.email : undefined,
      amr: Array.isArray(claims.amr) ? claims.amr.map(String) : [],
      acr: typeof claims.acr === 'string' ? claims.acr : undefined,
      deviceTrusted: claims.device_trusted === true,
      authTime: typeof claims.auth_time === 'number' ? claims.auth_time : undefined,
    };
    // The portal's session id for this app: back-channel logout and CAEP name it to end this session.
    const sid = typeof claims.sid === 'string' ? claims.sid : undefined;
    const sessionId = remember(sessions, sid ? { ...user, sid } : user);
    logger.info({ event: 'demo.signin', amr: user.amr, deviceTrusted: user.deviceTrusted }, 'demo app sign-in');
    send(res, 303, '', {
      Location: '/',
      'Set-Cookie': [cookie(TX_COOKIE, '', 0), cookie(SESSION_COOKIE, sessionId, 3600)],
    });
  };

  const receiver = createDemoReceiver({
    issuer: options.issuer,
    jwksUri: async () => {
      const jwksUri = (await getConfig()).serverMetadata().jwks_uri;
      if (!jwksUri) throw new Error('the portal publishes no jwks_uri');
      return jwksUri;
    },
    clientId: () => clientId,
    endSessions: (sub, sid) => {
      let ended = 0;
      for (const [id, s] of sessions) {
        if (s.sub === sub && (sid === undefined || s.sid === sid)) {
          sessions.delete(id);
          ended += 1;
        }
      }
      logger.info(
        { event: 'demo.sessions_ended', ended, bySid: sid !== undefined },
        'demo app sessions ended by the portal',
      );
      return ended;
    },
  });

  /** The two notice endpoints: POST only, bodies capped, JSON answers. */
  const notice = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const json = (status: number, body?: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (req.method !== 'POST') return json(405, { err: 'invalid_request', description: 'POST only' });
    const body = await readNoticeBody(req, MAX_NOTICE_BYTES);
    if (body === undefined) return json(413, { err: 'invalid_request', description: 'too large' });
    let answer: Awaited<ReturnType<typeof receiver.pushedSet>>;
    try {
      answer =
        path === '/backchannel-logout'
          ? await receiver.backchannelLogout(new URLSearchParams(body))
          : await receiver.pushedSet(req.headers['content-type'], body);
    } catch {
      // The portal's keys could not be fetched: not the notice's fault, so ask for a retry.
      answer = { status: 503, body: { err: 'temporarily_unavailable', description: 'try again later' } };
    }
    logger.info({ event: 'demo.notice', path, status: answer.status }, 'demo app revocation notice');
    json(answer.status, answer.body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const { port } = server.address() as AddressInfo;
    // Loopback only, and no DNS rebinding: the Host must name this server.
    if (![`127.0.0.1:${port}`, `localhost:${port}`].includes(req.headers.host ?? '')) {
      send(res, 421, demoErrorPage(421, 'Wrong host.'));
      return;
    }
    const url = new URL(req.url ?? '/', origin);
    const cookies = parseCookies(req.headers.cookie);
    if (url.pathname === '/backchannel-logout' || url.pathname === '/ssf/events') {
      await notice(req, res, url.pathname);
      return;
    }
    if (req.method !== 'GET') {
      send(res, 405, demoErrorPage(405, 'Only GET is served here.'), { Allow: 'GET' });
      return;
    }
    try {
      if (url.pathname === '/') {
        const user = sessions.get(cookies.get(SESSION_COOKIE) ?? '');
        send(res, 200, user ? demoSignedInPage(user) : demoStartPage(Boolean(clientId)));
      } else if (url.pathname === '/login') {
        if (!clientId) send(res, 503, demoStartPage(false));
        else await login(res);
      } else if (url.pathname === '/callback') {
        await callback(req, res, cookies);
      } else if (url.pathname === '/logout') {
        sessions.delete(cookies.get(SESSION_COOKIE) ?? '');
        send(res, 303, '', { Location: '/', 'Set-Cookie': cookie(SESSION_COOKIE, '', 0) });
      } else {
        send(res, 404, demoErrorPage(404, 'Not found.'));
      }
    } catch (err) {
      // The portal refused (access_denied), or a check failed (state, nonce, PKCE, signature).
      const message =
        err instanceof client.AuthorizationResponseError
          ? `The portal refused the sign-in: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}.`
          : 'The sign-in response could not be verified. Start again.';
      logger.info(
        { event: 'demo.signin_failed', code: (err as { code?: string }).code ?? 'ERR_VERIFICATION_FAILED' },
        'demo app sign-in failed',
      );
      send(res, 400, demoErrorPage(400, message));
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, demoErrorPage(500, 'Internal error.')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  logger.info({ event: 'demo.listening', port }, 'demo app listening');
  return {
    port,
    origin,
    redirectUri: `${origin}/callback`,
    backchannelLogoutUri: `${origin}/backchannel-logout`,
    ssfEndpoint: `${origin}/ssf/events`,
    received: () => receiver.received(),
    sessionCount: () => sessions.size,
    setClient(id, secret) {
      clientId = id;
      clientSecret = secret;
      config = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
