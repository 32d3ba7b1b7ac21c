/** Signed-in pages (home, untrusted-session refusal) and the error page. */
import type { SessionKeyProtection } from '../store/keyProtection.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

export interface AppTile {
  name: string;
  launchUrl: string;
  protected: boolean;
}

export function homePage(o: {
  csrfToken: string;
  email: string;
  apps: AppTile[];
  trust: { trusted: boolean; required: boolean; message: string };
  /** Why device sign-in cannot be used by this user now (no step-up offer then). */
  deviceSignInRefusal?: string | undefined;
  /** Posture policy: the warn/block banner (views/deviceHealthPage.ts). */
  postureNotice?: SafeHtml | '';
  /** Where the key this session signed in with lives (device sign-in sessions only). */
  keyProtection?: SessionKeyProtection | null;
}): SafeHtml {
  const kp = o.keyProtection;
  const keyLine = kp
    ? html` <span id="key-protection" data-key-protection="${kp.keyProtection}">${
        kp.keyProtection === 'tpm'
          ? `Key protection: TPM (${[kp.manufacturer, kp.model].filter(Boolean).join(' ')}).`
          : 'Key protection: software (not in a TPM).'
      }</span>`
    : '';
  const tiles = o.apps.map(
    (a) =>
      html`<li class="app"><a href="${a.launchUrl}" data-app="${a.name}">${a.name}</a>${
        a.protected ? html` <span class="tag">protected</span>` : ''
      }</li>`,
  );
  return layout({
    title: 'Home',
    csrfToken: o.csrfToken,
    signedInAs: o.email,
    body: html`${o.postureNotice ?? ''}<h1 id="heading">Your apps</h1>
<p id="trust" class="${o.trust.trusted ? 'trusted' : 'untrusted'}" data-trusted="${String(o.trust.trusted)}">${
      o.trust.trusted ? 'This session is trusted: ' : 'This session is not trusted: '
    }${o.trust.message}${keyLine}</p>
${
  // Right after registering, the user is on a password session: say what opens protected apps.
  !o.trust.trusted && o.trust.required
    ? o.deviceSignInRefusal
      ? html`<p id="trust-advice">Protected apps need device sign-in. ${o.deviceSignInRefusal}</p>`
      : html`<p id="trust-advice">Protected apps need device sign-in. <a id="step-up" href="/signin/step-up?return_to=/">Verify with device sign-in</a></p>`
    : ''
}
${
  o.apps.length > 0
    ? html`<ul id="apps">${tiles}</ul>`
    : html`<ul id="apps"></ul><p id="no-apps">No apps are assigned to you. If you don’t see an SSO app you need, contact your admin.</p>`
}`,
  });
}

/**
 * The refusal for a protected app when the session is not trusted: why, what to do, and (when
 * the extension is present, detected by signin.js) a button for device sign-in (step-up).
 */
export function untrustedPage(o: {
  csrfToken: string;
  email: string;
  appName: string;
  reason: string;
  stepUpUrl: string;
  /** Why device sign-in cannot be used by this user now: shown instead of the step-up button. */
  deviceSignInRefusal?: string | undefined;
}): SafeHtml {
  return layout({
    title: 'Trusted device required',
    csrfToken: o.csrfToken,
    signedInAs: o.email,
    script: { page: 'untrusted', data: { 'step-up': o.stepUpUrl } },
    body: html`<h1 id="heading">Trusted device required</h1>
<p id="untrusted-app">${o.appName} is protected by Device Trust: your organisation only lets trusted devices open it.</p>
<p id="untrusted-reason">${o.reason}</p>
<p>To open it, sign in with device sign-in on a device enrolled in your organisation’s device
management, with Protect set up. If this device is not enrolled, enroll it or contact your admin.</p>
${
  o.deviceSignInRefusal
    ? html`<p id="device-signin-refusal">${o.deviceSignInRefusal}</p>`
    : html`<p id="step-up-box" hidden><a class="button" id="step-up" href="${o.stepUpUrl}">Sign in with device sign-in</a></p>`
}
<p class="alt"><a href="/">Back to the portal</a></p>`,
  });
}

export function errorPage(o: { title: string; message: string; csrfToken?: string }): SafeHtml {
  return layout({
    title: o.title,
    ...(o.csrfToken ? { csrfToken: o.csrfToken } : {}),
    body: html`<h1 id="heading">${o.title}</h1>
<p class="error" id="error" role="alert">${o.message}</p>
<p class="alt"><a href="/signin">Go to sign-in</a></p>`,
  });
}
