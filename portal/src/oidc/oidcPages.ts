/**
 * The OpenID Provider's own pages, in the portal's frame (views/layout): an expired or broken
 * request, and the refusal for a user the app is not assigned to. Text only is interpolated, and
 * the portal's html template escapes it.
 */
import { html, type SafeHtml } from '../views/html.js';
import { layout } from '../views/layout.js';

/** oidc-provider's error page (bad client, redirect URI, missing PKCE…): what happened, what to do. */
export function oidcErrorPage(o: { error: string; description?: string }): SafeHtml {
  return layout({
    title: 'Sign-in request refused',
    body: html`<h1 id="heading">This sign-in request cannot continue</h1>
<p class="error" id="error" role="alert" data-error="${o.error}">The app sent a request the portal cannot accept: ${o.error}${
      o.description ? html` (${o.description})` : ''
    }.</p>
<p>Go back to the app and start signing in again. If it keeps happening, tell your admin which app you were opening.</p>
<p class="alt"><a href="/">Back to the portal</a></p>`,
  });
}

/** The interaction cookie is missing or the request expired (ten minutes). */
export function interactionExpiredPage(): SafeHtml {
  return layout({
    title: 'Sign-in request expired',
    body: html`<h1 id="heading">This sign-in request has expired</h1>
<p class="error" id="error" role="alert">The request from the app is no longer valid (it expired or was already used).</p>
<p>Go back to the app and sign in again, or open the app from the portal.</p>
<p class="alt"><a href="/">Back to the portal</a></p>`,
  });
}

/** The user is signed in but the app is not assigned to them: no code, and a way back. */
export function notAssignedPage(o: { appName: string; email: string; csrfToken: string; abortUrl: string }): SafeHtml {
  return layout({
    title: 'App not assigned',
    csrfToken: o.csrfToken,
    signedInAs: o.email,
    body: html`<h1 id="heading">You can’t open ${o.appName}</h1>
<p class="error" id="not-assigned" role="alert">${o.appName} is not assigned to ${o.email}, so the portal will not sign you in to it.</p>
<p>If you need this app, ask your admin to assign it to you. You see the apps assigned to you on the portal’s home page.</p>
<p class="alt"><a id="return-to-app" href="${o.abortUrl}">Return to ${o.appName}</a> · <a href="/">Back to the portal</a></p>`,
  });
}
