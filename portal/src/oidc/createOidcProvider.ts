/**
 * Builds the portal's OpenID Provider (oidc-provider 9). One profile for every SSO app:
 * authorization code flow with PKCE (S256, required), ES256 ID tokens carrying `amr`, `acr`,
 * `email` and `device_trusted`, clients read from the apps table, state in SQLite, keys from the
 * database. The login/consent interaction is always the portal's own (see handleInteraction):
 * oidc-provider's own session never stands in for the portal session.
 */
import Provider, { type Configuration, interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from '../../../shared/node/createLogger.js';
import type { PortalDb } from '../db/PortalDb.js';
import { getUser } from '../store/users.js';
import { answerStoreUnavailable, renderStoreUnavailable } from './answerStoreUnavailable.js';
import { compareHashedClientSecret } from './compareHashedClientSecret.js';
import { createStoreAdapter } from './createStoreAdapter.js';
import { ACR_VALUES } from './describeAuthentication.js';
import { findGrantFacts } from './grantFacts.js';
import { loadOidcKeys } from './loadOidcKeys.js';
import { oidcErrorPage } from './oidcPages.js';
import { interactionPath, OIDC_ROUTES } from './oidcRoutes.js';

/** Lifetimes in seconds. Codes are short: they only bridge a redirect and a back-channel call. */
export const OIDC_TTL = {
  AuthorizationCode: 60,
  AccessToken: 10 * 60,
  IdToken: 60 * 60,
  Interaction: 10 * 60,
  Session: 12 * 60 * 60,
  Grant: 12 * 60 * 60,
} as const;

export interface CreateOidcProviderOptions {
  db: PortalDb;
  /** The portal's origin, e.g. `http://localhost:8080`; http is accepted for loopback only. */
  issuer: string;
  logger: Logger;
  clock?: () => number;
}

/** The login prompt always fires until the portal's interaction has answered for this request. */
function portalPolicy() {
  const { Check, base } = interactionPolicy;
  const policy = base();
  policy
    .get('login')
    ?.checks.add(
      new Check('keybound_portal', 'The portal checks its own session, the assignment and Device Trust', (ctx) =>
        ctx.oidc.result?.login ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT,
      ),
    );
  return policy;
}

function assertIssuer(issuer: string): void {
  const url = new URL(issuer);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new TypeError(`Issuer "${issuer}" must use https: (http: only on localhost)`);
  }
  if (url.pathname !== '/' || url.search || url.hash) throw new TypeError(`Issuer "${issuer}" must be an origin`);
}

/** Creates the provider; the caller mounts it (mountOidc). */
export async function createOidcProvider(options: CreateOidcProviderOptions): Promise<Provider> {
  const { db, logger } = options;
  const clock = options.clock ?? Date.now;
  const issuer = options.issuer.replace(/\/$/, '');
  assertIssuer(issuer);
  const keys = await loadOidcKeys(db, clock());

  const findAccount: Configuration['findAccount'] = async (_ctx, sub, token) => {
    const user = await getUser(db, sub);
    if (!user) return undefined;
    const facts = token?.grantId ? await findGrantFacts(db, token.grantId, clock()) : undefined;
    return {
      accountId: user.id,
      claims: () => ({
        sub: user.id,
        email: user.email,
        email_verified: false,
        device_trusted: facts?.deviceTrusted ?? false,
      }),
    };
  };

  const configuration: Configuration = {
    adapter: createStoreAdapter(db, clock),
    jwks: { keys: keys.signingKeys },
    cookies: {
      keys: keys.cookieKeys,
      names: { session: 'kb_oidc_session', interaction: 'kb_oidc_interaction', resume: 'kb_oidc_resume' },
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    findAccount,
    scopes: ['openid', 'email'],
    // oidc-provider emits only claims the token's scopes map to: tying acr, amr and auth_time to
    // `openid` puts them in every ID token, which is what SSO apps need to see how the user signed in.
    claims: {
      sid: null,
      iss: null,
      openid: ['sub', 'acr', 'amr', 'auth_time', 'device_trusted'],
      email: ['email', 'email_verified'],
    },
    // Put the user's claims in the ID token itself: the demo app and most SSO apps read only it.
    conformIdTokenClaims: false,
    acrValues: [...ACR_VALUES],
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientAuthMethods: ['client_secret_basic', 'none'],
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256'],
      userinfoSigningAlgValues: ['ES256'],
      clientAuthSigningAlgValues: ['ES256'],
      requestObjectSigningAlgValues: ['ES256'],
      authorizationSigningAlgValues: ['ES256'],
    },
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'ES256',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    allowOmittingSingleRegisteredRedirectUri: false,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      // Apps registered with a back-channel logout URI get `sid` in their ID tokens; the portal
      // sends their logout tokens itself, durably (revocation/deliverOutbox.ts, decision 0071).
      backchannelLogout: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
    },
    routes: OIDC_ROUTES,
    interactions: {
      url: (_ctx, interaction) => interactionPath(interaction.uid),
      policy: portalPolicy(),
    },
    ttl: { ...OIDC_TTL },
    renderError: (ctx: KoaContextWithOIDC, out, err) => {
      if (renderStoreUnavailable(ctx, err)) return;
      logger.info({ event: 'oidc.error_page', code: out.error }, 'OIDC error page');
      ctx.type = 'html';
      ctx.body = oidcErrorPage({
        error: String(out.error),
        ...(out.error_description ? { description: String(out.error_description) } : {}),
      }).value;
    },
  };

  const provider = new Provider(issuer, configuration);
  compareHashedClientSecret(provider);
  provider.on('server_error', (ctx, err) => {
    if (answerStoreUnavailable(ctx, err)) {
      logger.warn(
        { event: 'oidc.store_unavailable', code: 'ERR_STORE_UNAVAILABLE' },
        'OIDC request: database unreachable',
      );
      return;
    }
    logger.error({ event: 'oidc.server_error', code: 'ERR_INTERNAL', err }, 'OIDC server error');
  });
  provider.on('grant.error', (_ctx, err) =>
    logger.info({ event: 'oidc.grant_error', code: (err as { error?: string }).error }, 'OIDC token request refused'),
  );
  provider.on('authorization.error', (_ctx, err) =>
    logger.info(
      { event: 'oidc.authorization_error', code: (err as { error?: string }).error },
      'OIDC authorization request refused',
    ),
  );
  return provider;
}
