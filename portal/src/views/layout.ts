/**
 * The page frame: one stylesheet, one script (signin.js, only where a page needs it), the CSRF
 * token in a meta tag for the page's JSON requests, and a "Sign out" button on every signed-in
 * page. No inline script or style: the CSP is `default-src 'self'`.
 */
import { html, type SafeHtml } from './html.js';

export interface LayoutOptions {
  title: string;
  body: SafeHtml;
  csrfToken?: string;
  /** Present on signed-in pages: shows the user's email and the Sign out button. */
  signedInAs?: string;
  /** `data-page` for signin.js; the script is only included when set. */
  script?: { page: string; data?: Record<string, string> };
}

export function layout(o: LayoutOptions): SafeHtml {
  const data = Object.entries(o.script?.data ?? {}).map(([k, v]) => html` data-${k}="${v}"`);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${o.csrfToken ? html`<meta name="csrf-token" content="${o.csrfToken}">` : ''}
<title>${o.title} · Keybound User Portal</title>
<link rel="stylesheet" href="/static/portal.css">
${o.script ? html`<script src="/static/signin.js" defer></script>` : ''}
</head>
<body${o.script ? html` data-page="${o.script.page}"` : ''}${data}>
<header class="bar">
  <span class="brand">Keybound User Portal</span>
  ${
    o.signedInAs
      ? html`<form method="post" action="/signout" class="signout">
    <span id="signed-in-as">${o.signedInAs}</span>
    <input type="hidden" name="_csrf" value="${o.csrfToken ?? ''}">
    <button type="submit" id="sign-out">Sign out</button>
  </form>`
      : ''
  }
</header>
<main>
${o.body}
</main>
</body>
</html>
`;
}
