/**
 * One browser tab at the portal, driven over HTTP, with the real daemon's authenticator as the
 * device behind the extension. It makes the decisions `portal/public/signin.js` makes (the
 * browser test test/e2e/orphanHealing.test.ts runs the page itself): sign in with the device when
 * the portal lists credentials; otherwise ask the device's status with the portal's list, and
 * when the device's credential is unknown to the portal (an orphan) or missing, log in with the
 * password and register on the finish page, which replaces the orphan (decision 0052).
 */
import type { AuthenticatorApi } from '../../../daemon/src/authenticator/AuthenticatorApi.js';
import type { CreationOptionsJSON, RequestOptionsJSON } from '../../../shared/protocol/webauthnJson.js';
import { BrowserLikeClient, type FollowResult } from '../../oidc/helpers/BrowserLikeClient.js';
import { csrfOf } from '../../oidc/helpers/portalSignIn.js';

export interface TabUser {
  email: string;
  password: string;
}

/** What the tab needs of the device behind the extension: the daemon's authenticator, in this process or over its WebSocket. */
export type TabDevice = Pick<AuthenticatorApi, 'status' | 'register' | 'signIn'>;

/** How a sign-in ended: with the device, or by password after (re-)registering the device. */
export type SignInOutcome = 'device' | 'registered' | 'healed';

const ctx = { requestId: 'fault-suite', browser: 'chrome' };

function metaCsrf(html: string): string {
  const match = /<meta name="csrf-token" content="([^"]+)">/.exec(html);
  if (!match?.[1]) throw new Error(`No csrf-token meta on the page: ${html.slice(0, 200)}`);
  return match[1];
}

export class PortalTab {
  readonly client = new BrowserLikeClient();
  private csrf = '';

  constructor(
    readonly origin: string,
    readonly device: TabDevice,
    readonly user: TabUser,
  ) {}

  private async api<T>(path: string, body: unknown): Promise<T> {
    const res = await this.client.request(`${this.origin}${path}`, {
      json: body,
      headers: { 'x-csrf-token': this.csrf },
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  private expectAt(page: FollowResult, path: string): void {
    if (page.status !== 200 || new URL(page.url).pathname !== path) {
      throw new Error(`expected ${path}, got ${page.url} (${page.status}): ${page.body.slice(0, 300)}`);
    }
  }

  /**
   * Email → Continue → what signin.js does next. `start` is a sign-in page already open (an SSO
   * app's redirect); by default the portal's own `/signin`. Returns the outcome and where the
   * tab went next (the `next` the portal answered).
   */
  async signIn(start?: FollowResult): Promise<{ outcome: SignInOutcome; next: string }> {
    const page = start ?? (await this.client.follow(`${this.origin}/signin?restart=1`));
    this.expectAt(page, '/signin');
    const cont = await this.client.follow(`${this.origin}/signin`, {
      form: { _csrf: csrfOf(page.body), email: this.user.email },
    });
    this.expectAt(cont, '/signin/continue');
    this.csrf = metaCsrf(cont.body);
    const { options } = await this.api<{ options: RequestOptionsJSON }>('/api/webauthn/authentication/options', {});
    const known = (options.allowCredentials ?? []).map((c) => c.id);
    if (known.length > 0) {
      const signed = await this.device.signIn({ origin: this.origin, options }, ctx).catch((err: unknown) => err);
      if (!(signed instanceof Error) && 'credential' in (signed as object)) {
        const { next } = await this.api<{ next: string }>('/api/webauthn/authentication/verify', signed);
        return { outcome: 'device', next };
      }
      if ((signed as { code?: string }).code !== 'ERR_CREDENTIAL_NOT_FOUND') throw signed;
    }
    const status = await this.device.status({
      rpId: 'localhost',
      userName: this.user.email,
      knownCredentialIds: known,
    });
    if (status.registered) throw new Error('the device is registered, yet the portal offered none of its credentials');
    return { outcome: status.orphaned ? 'healed' : 'registered', next: await this.passwordAndRegister() };
  }

  /** The password page, then the finish page's registration (replacing an orphan). Returns `next`. */
  private async passwordAndRegister(): Promise<string> {
    const passwordPage = await this.client.follow(`${this.origin}/signin/password`);
    this.expectAt(passwordPage, '/signin/password');
    const finish = await this.client.follow(`${this.origin}/signin/password`, {
      form: { _csrf: csrfOf(passwordPage.body), password: this.user.password },
    });
    this.expectAt(finish, '/signin/finish');
    this.csrf = metaCsrf(finish.body);
    const { options } = await this.api<{ options: CreationOptionsJSON }>('/api/webauthn/registration/options', {});
    const exclude = (options.excludeCredentials ?? []).map((c) => c.id);
    const status = await this.device.status({
      rpId: 'localhost',
      userName: this.user.email,
      knownCredentialIds: exclude,
    });
    if (status.registered) throw new Error('the portal still knows this device: nothing to register');
    const registered = await this.device.register({ origin: this.origin, options }, ctx);
    const { next } = await this.api<{ next: string }>('/api/webauthn/registration/verify', registered);
    return next;
  }

  /** The session as the portal sees it: signed in, and by which method (`device`, `password`). */
  async session(): Promise<{ signedIn: boolean; method?: string }> {
    const res = await this.client.request(`${this.origin}/api/session`);
    if (res.status !== 200) throw new Error(`/api/session answered ${res.status}`);
    return (await res.json()) as { signedIn: boolean; method?: string };
  }
}
