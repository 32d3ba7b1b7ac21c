/**
 * The start of most code-flow tests: a fresh browser signs the user in at the portal by password
 * + TOTP, then follows an authorization request for `client` until the portal redirects to the
 * app's redirect URI. Returns the code from that redirect, with the request (its PKCE verifier and
 * state), the browser and where it stopped, so each test can redeem, replay or tamper.
 */
import { BrowserLikeClient, type FollowResult } from './BrowserLikeClient.js';
import { type AuthorizationRequest, authorizationRequest, type ManualClient } from './manualRelyingParty.js';
import { type SeededUser, signInAtPortal } from './portalSignIn.js';

export interface CodeAfterSignIn {
  browser: BrowserLikeClient;
  request: AuthorizationRequest;
  /** The redirect to the app (not followed). */
  end: FollowResult;
  /** The `code` parameter of that redirect (as the tests read it: not checked here). */
  code: string;
}

export async function codeAfterPasswordSignIn(
  origin: string,
  who: SeededUser,
  client: ManualClient,
): Promise<CodeAfterSignIn> {
  const browser = new BrowserLikeClient();
  await signInAtPortal(browser, origin, who);
  const request = authorizationRequest(origin, client);
  const end = await browser.follow(request.url, { stopAt: (t) => t.startsWith(client.redirectUri) });
  const code = new URL(end.url).searchParams.get('code') as string;
  return { browser, request, end, code };
}
