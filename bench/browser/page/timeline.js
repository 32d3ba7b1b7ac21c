// Keybound browser benchmark — page-side timeline, added to every portal page of BOTH browsers
// (ours and built-in) as a Playwright init script, so both pay the same small cost. Records
// absolute timestamps (performance.timeOrigin + performance.now(), comparable across the
// documents of one tab) in sessionStorage, from the email form's submit to the home page:
//   submit · <path> request/response/interactive/loaded (navigation timing of each document) ·
//   <endpoint> sent/answered (the portal's /api/webauthn/* fetches) · ext ready (content script
//   announced itself) · ext <type> sent/answered (page API round trips through the extension) ·
//   credentials.get start/end (built-in WebAuthn, marked by builtInSignIn.js).
(() => {
  const KEY = 'keybound.bench.marks';
  const path = location.pathname;
  const now = () => performance.timeOrigin + performance.now();
  const mark = (name, at = now()) => {
    try {
      const list = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
      list.push([name, at]);
      sessionStorage.setItem(KEY, JSON.stringify(list));
    } catch {
      // Storage full or blocked: the benchmark then reports the sign-in without its hops.
    }
  };
  Object.defineProperty(window, '__keyboundBenchMark', { value: mark });

  // The starting point of every measured sign-in: the email form is submitted (Continue).
  if (path === '/signin') {
    document.addEventListener(
      'submit',
      () => {
        sessionStorage.setItem(KEY, '[]');
        mark('submit');
      },
      true,
    );
  }

  document.addEventListener('readystatechange', () => {
    if (document.readyState === 'interactive') mark(`${path} interactive`);
  });
  window.addEventListener('DOMContentLoaded', () => {
    const nav = performance.getEntriesByType('navigation')[0];
    if (nav) {
      mark(`${path} request`, performance.timeOrigin + nav.requestStart);
      mark(`${path} response`, performance.timeOrigin + nav.responseEnd);
    }
    mark(`${path} loaded`);
  });

  // The portal's JSON endpoints, whoever calls them (signin.js or the built-in script).
  const originalFetch = window.fetch;
  window.fetch = async function benchFetch(input, init) {
    const url = new URL(typeof input === 'string' ? input : input.url, location.href);
    const name = url.pathname.replace('/api/webauthn/', '');
    mark(`${name} sent`);
    try {
      return await originalFetch.call(this, input, init);
    } finally {
      mark(`${name} answered`);
    }
  };

  // Page API round trips (signin.js → content script → worker → daemon → back).
  let lastType = '';
  const originalPost = window.postMessage;
  window.postMessage = function benchPostMessage(message, ...rest) {
    if (message && message.keybound === 'request') {
      lastType = String(message.type);
      mark(`ext ${lastType} sent`);
    }
    return originalPost.call(this, message, ...rest);
  };
  const OriginalChannel = window.MessageChannel;
  window.MessageChannel = class BenchMessageChannel extends OriginalChannel {
    constructor() {
      super();
      const type = () => lastType;
      this.port1.addEventListener('message', () => mark(`ext ${type()} answered`));
    }
  };
  window.addEventListener('message', (event) => {
    if (event.source === window && event.data && event.data.keybound === 'ready') mark('ext ready');
  });
})();
