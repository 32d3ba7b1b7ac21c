/**
 * The sign-in pages, with the words of the user documentation (SEED.txt): "Email" + "Continue",
 * "Passwordless Login", "Password" + "Log in", "Verification code" + "Verify". Stable ids for the
 * browser tests: #email, #password, #code, #continue, #log-in, #verify, #status, #reason.
 */
import { DEVICE_NOT_ENROLLED_MESSAGE, DEVICE_REVOKED_MESSAGE } from '../trust/deviceSignInAvailability.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

function errorBox(error: string | undefined): SafeHtml | '' {
  return error ? html`<p class="error" id="error" role="alert">${error}</p>` : '';
}

export function emailPage(o: { csrfToken: string; email?: string; error?: string }): SafeHtml {
  return layout({
    title: 'User Login',
    csrfToken: o.csrfToken,
    body: html`<h1 id="heading">User Login</h1>
${errorBox(o.error)}
<form method="post" action="/signin" class="card">
  <input type="hidden" name="_csrf" value="${o.csrfToken}">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="${o.email ?? ''}" autofocus>
  <button type="submit" id="continue">Continue</button>
</form>`,
  });
}

/**
 * After the email: signin.js fetches the sign-in options at once and, when they list this user's
 * device credentials, signs in with the device straight away; otherwise (or if that fails) it
 * asks the extension for this user's status and shows the passwordless offer, or moves on to the
 * password page with the reason.
 */
export function continuePage(o: { csrfToken: string; email: string; rpId: string; next: string }): SafeHtml {
  return layout({
    title: 'User Login',
    csrfToken: o.csrfToken,
    script: { page: 'continue', data: { email: o.email, 'rp-id': o.rpId, next: o.next } },
    body: html`<h1 id="heading">User Login</h1>
<p class="who">${o.email}</p>
<p id="status" role="status">Checking for device sign-in…</p>
<section id="passwordless-offer" class="card" hidden>
  <h2>Passwordless Login</h2>
  <p>This device can sign you in without a password, using Protect to verify it is you.
  Log in with your password once to register this device.</p>
  <a class="button" id="offer-continue" href="/signin/password">Continue</a>
</section>
<p class="alt"><a id="use-password" href="/signin/password">Log in with your password instead</a>
 · <a href="/signin?restart=1">Use a different email</a></p>`,
  });
}

/**
 * The way out of an orphan: the device holds a credential this portal no longer knows (an admin
 * deleted it, or a registration was cut off before the portal stored it). Decision 0052.
 */
export const DEVICE_CREDENTIAL_LOST_MESSAGE =
  'This portal no longer knows the device sign-in on this device (for example, your admin removed it). Log in with your password once: this device is then registered again, and the next sign-in needs no password.';

/** Plain-words reasons the password page shows when device sign-in was not used. */
const REASONS: Record<string, string> = {
  'no-extension':
    'Device sign-in is not available in this browser: the Keybound extension is not installed or not running.',
  'daemon-unavailable':
    'Device sign-in is not available: this browser cannot reach the Keybound app on this device. Open the Keybound extension to see why.',
  'daemon-pairing':
    'Device sign-in is waiting for this browser to be paired with the Keybound app on this device. Approve the pairing in the Protect window, then sign in again.',
  'device-failed': 'Device sign-in did not complete. You can log in with your password.',
  'not-eligible': 'This device cannot use device sign-in yet.',
  ERR_DEVICE_SIGNIN_DISABLED: 'Device sign-in is turned off in Protect on this device, so log in with your password.',
  ERR_NOT_ENROLLED: 'This device is not enrolled in device management, so it cannot use device sign-in.',
  ERR_PROTECT_NOT_INSTALLED: 'Protect is not installed on this device, so it cannot use device sign-in.',
  'device-unknown': DEVICE_CREDENTIAL_LOST_MESSAGE,
  ERR_DEVICE_REVOKED: DEVICE_REVOKED_MESSAGE,
  ERR_DEVICE_NOT_ENROLLED: DEVICE_NOT_ENROLLED_MESSAGE,
};

/** The sentence for a reason code; unknown codes get a generic sentence (never echoed). */
export function reasonText(code: string | undefined): string | undefined {
  if (!code) return undefined;
  return REASONS[code] ?? 'Device sign-in is not available on this device.';
}

export function passwordPage(o: { csrfToken: string; email: string; reasonCode?: string; error?: string }): SafeHtml {
  const reason = reasonText(o.reasonCode);
  return layout({
    title: 'User Login',
    csrfToken: o.csrfToken,
    script: { page: 'password', data: { reason: o.reasonCode ?? '' } },
    body: html`<h1 id="heading">User Login</h1>
${reason ? html`<p class="notice" id="reason">${reason}</p>` : ''}
${errorBox(o.error)}
<form method="post" action="/signin/password" class="card">
  <input type="hidden" name="_csrf" value="${o.csrfToken}">
  <p class="who">Email: <span id="email-shown">${o.email}</span></p>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024" autofocus>
  <button type="submit" id="log-in">Log in</button>
</form>
<p class="alt"><a href="/signin?restart=1">Use a different email</a></p>`,
  });
}

export function mfaPage(o: { csrfToken: string; email: string; error?: string }): SafeHtml {
  return layout({
    title: 'Verification',
    csrfToken: o.csrfToken,
    body: html`<h1 id="heading">Multi-factor authentication</h1>
${errorBox(o.error)}
<form method="post" action="/signin/mfa" class="card">
  <input type="hidden" name="_csrf" value="${o.csrfToken}">
  <p class="who">${o.email}</p>
  <p>Enter the code from Protect or your authenticator app.</p>
  <label for="code">Verification code</label>
  <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus>
  <button type="submit" id="verify">Verify</button>
</form>
<p class="alt"><a href="/signin?restart=1">Start again</a></p>`,
  });
}

/**
 * After password (+ MFA): signin.js registers this device if it is eligible and not registered,
 * then continues to `next`. Failures are shown with a way on ("Continue to the portal").
 */
export function finishPage(o: { csrfToken: string; email: string; rpId: string; next: string }): SafeHtml {
  return layout({
    title: 'Passwordless Login',
    csrfToken: o.csrfToken,
    signedInAs: o.email,
    script: { page: 'finish', data: { email: o.email, 'rp-id': o.rpId, next: o.next } },
    body: html`<h1 id="heading">Passwordless Login</h1>
<p id="status" role="status">Finishing sign-in…</p>
<p class="alt"><a id="skip" href="${o.next}">Continue to the portal</a></p>`,
  });
}

/** Step-up: a signed-in user proves the device with device sign-in, then returns to `next`. */
export function stepUpPage(o: { csrfToken: string; email: string; rpId: string; next: string }): SafeHtml {
  return layout({
    title: 'Device sign-in',
    csrfToken: o.csrfToken,
    signedInAs: o.email,
    script: { page: 'step-up', data: { email: o.email, 'rp-id': o.rpId, next: o.next } },
    body: html`<h1 id="heading">Device sign-in</h1>
<p id="status" role="status">Asking this device to verify it is you…</p>
<p class="alt"><a id="back" href="/">Back to the portal</a></p>`,
  });
}
