/**
 * A hand-rolled relying party for attack tests: builds authorization requests the demo app would
 * never send (no PKCE) and redeems codes directly, so replays and refusals can be observed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { loopbackFetch } from './loopbackFetch.js';

export interface ManualClient {
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
}

export interface AuthorizationRequest {
  url: string;
  verifier: string;
  state: string;
}

const b64u = (bytes: Buffer) => bytes.toString('base64url');

/** An authorization URL; `pkce: false` leaves out code_challenge. */
export function authorizationRequest(
  origin: string,
  client: ManualClient,
  options: { pkce?: boolean } = {},
): AuthorizationRequest {
  const verifier = b64u(randomBytes(32));
  const state = b64u(randomBytes(16));
  const url = new URL('/oidc/auth', origin);
  url.searchParams.set('client_id', client.clientId);
  url.searchParams.set('redirect_uri', client.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', 'openid email');
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', b64u(randomBytes(16)));
  if (options.pkce !== false) {
    url.searchParams.set('code_challenge', b64u(createHash('sha256').update(verifier).digest()));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return { url: url.href, verifier, state };
}

/** POSTs the code to the token endpoint; returns status and parsed JSON. */
export async function redeemCode(
  origin: string,
  client: ManualClient,
  code: string,
  verifier: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const form: Record<string, string> = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirectUri,
    code_verifier: verifier,
  };
  if (client.clientSecret) {
    const basic = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
  } else {
    form.client_id = client.clientId;
  }
  const res = await loopbackFetch(new URL('/oidc/token', origin), {
    method: 'POST',
    headers,
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Decodes a JWT's header and payload (no verification: the tests look at what was issued). */
export function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h = '', p = ''] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>,
  };
}
