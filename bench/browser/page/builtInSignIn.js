// Keybound browser benchmark — the portal's device sign-in done with Chromium's built-in WebAuthn
// instead of the extension: what signin.js's deviceSignIn() does, with navigator.credentials.get
// in place of the page API. Added as a Playwright init script to the built-in browser's tab only.
//
// On /signin/continue it runs when the document becomes interactive, which the HTML standard
// orders before deferred scripts run: it renames the page (data-page) so signin.js, deferred and
// about to run, finds nothing to do, then signs in exactly as signin.js would — same endpoints,
// same CSRF header, same JSON — and goes to the same next page. Failures land in
// <html data-bench-error> for the benchmark to report.
(() => {
  if (location.pathname !== '/signin/continue') return;
  const mark = (name) => window.__keyboundBenchMark?.(name);

  const toBuffer = (base64url) => {
    const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  };
  const toBase64url = (buffer) => {
    let binary = '';
    for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };

  async function portalPost(path, body) {
    const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
    const response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${json?.error?.code}: ${json?.error?.message}`);
    return json;
  }

  async function signIn() {
    const { options } = await portalPost('/api/webauthn/authentication/options', {});
    const publicKey = {
      ...options,
      challenge: toBuffer(options.challenge),
      allowCredentials: (options.allowCredentials ?? []).map((c) => ({ ...c, id: toBuffer(c.id) })),
    };
    mark('credentials.get start');
    const assertion = await navigator.credentials.get({ publicKey });
    mark('credentials.get end');
    const r = assertion.response;
    const credential = {
      id: assertion.id,
      rawId: toBase64url(assertion.rawId),
      type: assertion.type,
      response: {
        clientDataJSON: toBase64url(r.clientDataJSON),
        authenticatorData: toBase64url(r.authenticatorData),
        signature: toBase64url(r.signature),
        ...(r.userHandle ? { userHandle: toBase64url(r.userHandle) } : {}),
      },
      ...(assertion.authenticatorAttachment ? { authenticatorAttachment: assertion.authenticatorAttachment } : {}),
      clientExtensionResults: assertion.getClientExtensionResults(),
    };
    const result = await portalPost('/api/webauthn/authentication/verify', { credential });
    const next = document.body.dataset.next;
    location.assign(next && next !== '/' ? next : result.next);
  }

  document.addEventListener('readystatechange', () => {
    if (document.readyState !== 'interactive') return;
    document.body.dataset.page = 'builtin-webauthn';
    signIn().catch((err) => {
      document.documentElement.dataset.benchError = String(err?.message ?? err);
    });
  });
})();
