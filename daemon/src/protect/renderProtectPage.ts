/**
 * HTML of the emulated Protect window. No script at all: the decision is a plain form POST that
 * carries the one-time token, and the stylesheet is allowed by a per-response CSP nonce.
 */
import type { PendingView, ProtectOutcome } from './ProtectQueue.js';

const ACTIONS = { pair: 'Pair a browser extension', register: 'Set up device sign-in', signIn: 'Sign in' } as const;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(nonce: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Protect</title>
<style nonce="${nonce}">
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2433}
main{max-width:26rem;margin:3rem auto;background:#fff;border-radius:12px;padding:1.5rem 2rem;box-shadow:0 2px 12px #0002}
h1{font-size:1.25rem;margin:0 0 1rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}
dt{color:#5b6475}dd{margin:0;word-break:break-all}.row{display:flex;gap:1rem;margin-top:1.5rem}
button{flex:1;font:inherit;padding:.6rem;border-radius:8px;border:1px solid #8a93a5;background:#fff;cursor:pointer}
button.primary{background:#1f5eff;border-color:#1f5eff;color:#fff}.ok{color:#146c2e}.bad{color:#a4161a}
</style></head><body><main>
<p><strong>Protect</strong></p>
${body}
</main></body></html>`;
}

/** The approval page for one pending request; `token` goes into the forms, never into a link. */
export function renderRequestPage(view: PendingView, token: string, nonce: string): string {
  const rows: [string, string | undefined][] = [
    ['Action', ACTIONS[view.action]],
    [view.action === 'pair' ? 'Extension' : 'Portal', view.origin],
    ['Browser', view.browser],
    ['User', view.userName],
    ['Expires', view.expiresAt],
  ];
  const dl = rows
    .filter((r): r is [string, string] => r[1] !== undefined)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
    .join('');
  const form = (decision: 'approve' | 'deny', label: string, cls: string) =>
    `<form method="post" action="/protect/${escapeHtml(view.id)}/${decision}"><input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit" class="${cls}">${label}</button></form>`;
  return layout(
    nonce,
    ACTIONS[view.action],
    `<h1>${escapeHtml(ACTIONS[view.action])}?</h1><dl>${dl}</dl>
<p>Approve only if you started this in your browser just now.</p>
<div class="row">${form('deny', 'Deny', '')}${form('approve', 'Approve', 'primary')}</div>`,
  );
}

/** The page shown after the decision: "Configured. You can return to the previous app." after a registration. */
export function renderOutcomePage(
  action: PendingView['action'] | undefined,
  outcome: ProtectOutcome,
  nonce: string,
): string {
  const message = outcomeMessage(action, outcome);
  return layout(
    nonce,
    message.title,
    `<h1 class="${message.ok ? 'ok' : 'bad'}">${escapeHtml(message.title)}</h1><p>${escapeHtml(message.text)}</p>`,
  );
}

/** The page for an unknown id, a wrong token or a request that is no longer pending. */
export function renderGonePage(nonce: string): string {
  return layout(
    nonce,
    'Request not found',
    '<h1>Request not found</h1><p>This request is no longer pending, or the link is not valid.</p>',
  );
}

function outcomeMessage(
  action: PendingView['action'] | undefined,
  outcome: ProtectOutcome,
): { ok: boolean; title: string; text: string } {
  switch (outcome.state) {
    case 'completed':
      if (!outcome.ok) return { ok: false, title: 'Not completed', text: outcome.message };
      if (action === 'register')
        return { ok: true, title: 'Configured.', text: 'Configured. You can return to the previous app.' };
      if (action === 'pair')
        return {
          ok: true,
          title: 'Paired.',
          text: 'The browser extension is paired. You can return to the previous app.',
        };
      return { ok: true, title: 'Verified.', text: 'You can return to the previous app.' };
    case 'approved':
      return { ok: true, title: 'Approved.', text: 'You can return to the previous app.' };
    case 'denied':
      return { ok: false, title: 'Denied.', text: 'The request was denied. You can close this window.' };
    case 'timeout':
      return { ok: false, title: 'Expired.', text: 'The request expired. Start again in your browser.' };
    case 'cancelled':
      return { ok: false, title: 'Cancelled.', text: 'The browser stopped waiting. Start again in your browser.' };
  }
}
