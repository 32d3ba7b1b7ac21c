// Keybound browser benchmark — EXPERIMENT B of docs/performance.md ("Browser"): the content script's
// job without zod and webextension-polyfill (~1.5 KB instead of 237 KB), to measure what its size costs.
// Not loaded by the benchmark itself. To measure it: copy extension/dist/chrome to DIR, replace
// DIR/src/content/pageBridge.iife.js with this file, run KEYBOUND_BENCH_EXTENSION_DIR=DIR npm run bench -- --only browser.
(() => {
  const origin = location.origin;
  const send = (type, payload) => chrome.runtime.sendMessage({ channel: 'content:background', type, payload });
  send('gate', { origin }).then((gate) => {
    if (!gate || gate.allowed !== true) return;
    window.addEventListener('message', (event) => {
      if (event.source !== window || event.origin !== origin) return;
      const raw = event.data;
      if (!raw || raw.keybound !== 'request') return;
      const port = event.ports[0];
      if (!port) return;
      if (JSON.stringify(raw).length > 65536 || !['status', 'register', 'signIn'].includes(raw.type)) {
        port.postMessage({ ok: false, error: { code: 'ERR_INVALID_MESSAGE', message: 'Invalid request' } });
        return port.close();
      }
      send('page.request', { origin, request: raw }).then(
        (answer) => {
          port.postMessage(
            answer && typeof answer.ok === 'boolean'
              ? answer
              : { ok: false, error: { code: 'ERR_INTERNAL', message: 'Bad answer' } },
          );
          port.close();
        },
        () => {
          port.postMessage({ ok: false, error: { code: 'ERR_EXTENSION_UNAVAILABLE', message: 'No answer' } });
          port.close();
        },
      );
    });
    document.documentElement.setAttribute('data-keybound', 'ready');
    window.postMessage({ keybound: 'ready', version: 1 }, origin);
  });
})();
