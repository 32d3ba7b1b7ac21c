// Keybound browser benchmark — EXPERIMENT (KEYBOUND_BENCH_OURS_FLOW=proposed): the extension path
// with the page flow proposed in docs/performance.md ("Browser"), to measure it before anyone
// changes portal/public/signin.js. Same trick as builtInSignIn.js: at "interactive", before the
// deferred signin.js runs, the page is renamed so signin.js does nothing, and this runs instead:
//   - POST authentication/options at once, while the content script's gate is still pending;
//   - page API signIn straight away (no status first: a portal would ask status only after a
//     refusal, to choose between the passwordless offer and the password page);
//   - POST authentication/verify, then the next page — as signin.js does.
(() => {
  if (location.pathname !== '/signin/continue') return;

  const extensionReady = () =>
    new Promise((resolve, reject) => {
      if (document.documentElement.dataset.keybound === 'ready') return resolve();
      const timer = setTimeout(() => reject(new Error('no extension')), 5000);
      window.addEventListener('message', (event) => {
        if (event.source === window && event.data?.keybound === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      });
    });

  const extensionRequest = (type, payload) =>
    new Promise((resolve, reject) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => {
        channel.port1.close();
        const answer = event.data;
        if (answer?.ok === true) resolve(answer.result);
        else reject(new Error(`${answer?.error?.code}: ${answer?.error?.message}`));
      };
      window.postMessage({ keybound: 'request', type, payload }, location.origin, [channel.port2]);
    });

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
    const [{ options }] = await Promise.all([portalPost('/api/webauthn/authentication/options', {}), extensionReady()]);
    const { credential } = await extensionRequest('signIn', { options });
    const result = await portalPost('/api/webauthn/authentication/verify', { credential });
    const next = document.body.dataset.next;
    location.assign(next && next !== '/' ? next : result.next);
  }

  document.addEventListener('readystatechange', () => {
    if (document.readyState !== 'interactive') return;
    document.body.dataset.page = 'bench-proposed';
    signIn().catch((err) => {
      document.documentElement.dataset.benchError = String(err?.message ?? err);
    });
  });
})();
