/** The demo SSO app's pages: plain HTML, every value escaped, stable ids for browser tests. */
import { escapeHtml } from '../views/html.js';

export interface DemoUser {
  sub: string;
  email: string | undefined;
  amr: string[];
  acr: string | undefined;
  deviceTrusted: boolean;
  authTime: number | undefined;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Keybound demo app</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<p><strong>Keybound demo app</strong> — an SSO app signing in through the Keybound User Portal</p>
${body}
</body>
</html>`;
}

export function demoStartPage(configured: boolean): string {
  return page(
    'Welcome',
    configured
      ? '<h1 id="heading">Welcome</h1><p>You are not signed in.</p><p><a id="sign-in" href="/login">Sign in with Keybound</a></p>'
      : '<h1 id="heading">Not configured</h1><p id="error">This demo app has no client id yet. Register it with <code>keybound admin app add</code>.</p>',
  );
}

export function demoSignedInPage(user: DemoUser): string {
  const rows: [string, string, string][] = [
    ['user-email', 'Email', user.email ?? '(not shared)'],
    ['user-sub', 'Subject', user.sub],
    ['amr', 'Signed in with (amr)', user.amr.join(', ')],
    ['acr', 'Assurance (acr)', user.acr ?? '(none)'],
    ['device-trusted', 'Trusted device', user.deviceTrusted ? 'yes' : 'no'],
  ];
  return page(
    'Signed in',
    `<h1 id="heading">Signed in</h1>
<dl>${rows.map(([id, label, value]) => `<dt>${escapeHtml(label)}</dt><dd id="${id}">${escapeHtml(value)}</dd>`).join('')}</dl>
<p><a id="sign-out" href="/logout">Sign out of the demo app</a></p>`,
  );
}

export function demoErrorPage(status: number, message: string): string {
  return page(
    'Sign-in failed',
    `<h1 id="heading">Sign-in failed</h1><p id="error" data-status="${status}">${escapeHtml(message)}</p><p><a href="/">Start again</a></p>`,
  );
}
