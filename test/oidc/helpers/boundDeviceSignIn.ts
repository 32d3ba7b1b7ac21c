/**
 * Opens an SSO app and signs in with the device at the portal, binding the portal session with
 * DBSC on the way (a SoftwareDbscClient sharing the browser's cookie jar registers from the
 * verify response's Secure-Session-Registration), then follows on to the app.
 */
import { expect } from 'vitest';
import type { CookieJarFetch, JarResponse } from '../../../dev/CookieJarFetch.js';
import type { SoftwareAuthenticator } from '../../../dev/softwareAuthenticator.js';
import type { RequestOptionsJSON } from '../../../shared/protocol/webauthnJson.js';
import { type DeviceIdentity, SoftwareDbscClient } from '../../helpers/SoftwareDbscClient.js';
import { BrowserLikeClient, type FollowResult } from './BrowserLikeClient.js';
import { csrfOf } from './portalSignIn.js';

const metaCsrf = (html: string) => /<meta name="csrf-token" content="([^"]+)">/.exec(html)?.[1] ?? '';

async function asJar(url: string, res: Response): Promise<JarResponse> {
  const body = await res.text();
  return { status: res.status, url, headers: res.headers, body, json: <T>() => JSON.parse(body) as T };
}

/** SoftwareDbscClient speaks through a CookieJarFetch; this one is the browser's own jar. */
function jarOf(client: BrowserLikeClient): CookieJarFetch {
  return {
    async request(url: string, init: { method?: string; headers?: Record<string, string> } = {}) {
      return asJar(url, await client.request(url, init));
    },
  } as unknown as CookieJarFetch;
}

export async function signInToAppWithBoundDevice(input: {
  portalOrigin: string;
  appStartUrl: string;
  email: string;
  device: SoftwareAuthenticator;
  clock: () => number;
  /** With it, refresh proofs carry a posture statement signed by the device identity key. */
  identity?: DeviceIdentity;
}): Promise<{ browser: BrowserLikeClient; dbsc: SoftwareDbscClient; landed: FollowResult }> {
  const { portalOrigin: origin } = input;
  const browser = new BrowserLikeClient();
  const signInPage = await browser.follow(input.appStartUrl);
  const cont = await browser.follow(`${origin}/signin`, {
    form: { _csrf: csrfOf(signInPage.body), email: input.email },
  });
  const headers = { 'x-csrf-token': metaCsrf(cont.body) };
  const optionsRes = await browser.request(`${origin}/api/webauthn/authentication/options`, { json: {}, headers });
  const { options } = (await optionsRes.json()) as { options: RequestOptionsJSON };
  const verifyUrl = `${origin}/api/webauthn/authentication/verify`;
  const verify = await asJar(
    verifyUrl,
    await browser.request(verifyUrl, { json: await input.device.signIn(origin, options), headers }),
  );
  expect(verify.status).toBe(200);
  const dbsc = new SoftwareDbscClient(jarOf(browser), input.identity, input.clock);
  expect((await dbsc.registerFrom(verify)).status).toBe(200);
  const landed = await browser.follow(new URL(verify.json<{ next: string }>().next, origin).href);
  return { browser, dbsc, landed };
}
