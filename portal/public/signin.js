// Keybound User Portal — page-side sign-in flow. Talks to the Keybound extension only through the
// page API (shared/protocol/pageApi.ts, docs/page-api.md): window.postMessage with one
// MessageChannel per request; the extension announces { keybound: 'ready', version: 1 }.
// No framework, no inline code (CSP default-src 'self'); all text goes in via textContent.
(() => {
  const READY_TIMEOUT_MS = 1500;
  const STATUS_TIMEOUT_MS = 10_000;
  // Protect may wait up to two minutes for the user (PROTECT_TIMEOUT_MS), plus a margin.
  const CEREMONY_TIMEOUT_MS = 150_000;
  const PROBLEM_KEY = 'keybound.problem';
  const PAIRING_POLL_MS = 1000;

  // ---- page API client -------------------------------------------------------------------
  let extensionReady = document.documentElement.getAttribute('data-keybound') === 'ready';
  const readyWaiters = [];
  window.addEventListener('message', (event) => {
    if (event.source !== window || event.origin !== location.origin) return;
    const data = event.data;
    if (data && data.keybound === 'ready' && data.version === 1) {
      extensionReady = true;
      for (const resolve of readyWaiters.splice(0)) resolve(true);
    }
  });

  /** Resolves true once the extension's content script is there, false after ~1.5 s without it. */
  function waitForExtension() {
    if (extensionReady || document.documentElement.getAttribute('data-keybound') === 'ready')
      return Promise.resolve(true);
    return new Promise((resolve) => {
      readyWaiters.push(resolve);
      setTimeout(() => resolve(document.documentElement.getAttribute('data-keybound') === 'ready'), READY_TIMEOUT_MS);
    });
  }

  class KeyboundProblem extends Error {
    constructor(code, message) {
      super(message);
      this.code = code;
    }
  }

  /** One page API request on its own MessageChannel; resolves to the result or throws KeyboundProblem. */
  function extensionRequest(type, payload, timeoutMs) {
    return new Promise((resolve, reject) => {
      const channel = new MessageChannel();
      const timer = setTimeout(() => {
        channel.port1.close();
        // Giving up: no Protect prompt may stay behind for a request nobody waits for.
        window.postMessage({ keybound: 'cancel' }, location.origin);
        reject(new KeyboundProblem('ERR_TIMEOUT', 'The Keybound extension did not answer in time.'));
      }, timeoutMs);
      channel.port1.onmessage = (event) => {
        clearTimeout(timer);
        channel.port1.close();
        const answer = event.data;
        if (answer && answer.ok === true) resolve(answer.result);
        else if (answer && answer.ok === false && answer.error)
          reject(new KeyboundProblem(String(answer.error.code), String(answer.error.message)));
        else reject(new KeyboundProblem('ERR_INVALID_MESSAGE', 'The Keybound extension sent an unexpected answer.'));
      };
      window.postMessage({ keybound: 'request', type, payload }, location.origin, [channel.port2]);
    });
  }

  // ---- portal API ------------------------------------------------------------------------
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

  async function portalPost(path, body) {
    const response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf() },
      body: JSON.stringify(body),
    });
    let json;
    try {
      json = await response.json();
    } catch {
      throw new KeyboundProblem('ERR_INTERNAL', `The portal answered ${response.status}.`);
    }
    if (!response.ok)
      throw new KeyboundProblem(
        json?.error?.code ?? 'ERR_INTERNAL',
        json?.error?.message ?? 'The portal refused the request.',
      );
    return json;
  }

  // ---- flows -----------------------------------------------------------------------------
  const data = document.body.dataset;
  const statusEl = document.getElementById('status');
  const say = (text) => {
    if (statusEl) statusEl.textContent = text;
  };
  const sayProblem = (text) => {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.classList.add('error');
    statusEl.setAttribute('role', 'alert');
  };
  const go = (path) => location.assign(path?.startsWith('/') && !path.startsWith('//') ? path : '/');

  function toPassword(code, message) {
    if (message) sessionStorage.setItem(PROBLEM_KEY, JSON.stringify({ code, message }));
    go(`/signin/password?reason=${encodeURIComponent(code)}`);
  }

  /**
   * The extension's status for this user. `known` is the portal's credential list for the user
   * (allowCredentials or excludeCredentials): with it the device answers `registered` only for a
   * credential the portal knows, and `orphaned` for one the portal lost (decision 0052).
   */
  async function getStatus(known) {
    const payload = { userName: data.email, rpId: data.rpId };
    if (!known) return extensionRequest('status', payload, STATUS_TIMEOUT_MS);
    try {
      return await extensionRequest('status', { ...payload, knownCredentialIds: known }, STATUS_TIMEOUT_MS);
    } catch (err) {
      // An extension older than the list refuses the field: ask as before.
      if (err.code !== 'ERR_INVALID_MESSAGE') throw err;
      return extensionRequest('status', payload, STATUS_TIMEOUT_MS);
    }
  }

  const credentialIds = (list) => (Array.isArray(list) ? list.map((c) => c.id) : []);

  /**
   * The status once pairing is over. The first use of the extension on this device pairs it with
   * the Keybound app, which may wait for the user in the Protect window: say so (not "not running")
   * and ask again every second until the pairing is approved, denied or times out.
   */
  async function statusAfterPairing(known) {
    let status = await getStatus(known);
    const until = Date.now() + CEREMONY_TIMEOUT_MS;
    while (status.daemon === 'pairing' && Date.now() < until) {
      say('Keybound is pairing this browser with your device: approve it in the Protect window…');
      await new Promise((resolve) => setTimeout(resolve, PAIRING_POLL_MS));
      status = await getStatus(known);
    }
    return status;
  }

  /** The password page with the sentence for a daemon that cannot answer (pairing or unreachable). */
  function daemonNotConnected(status) {
    if (status.daemon === 'pairing') return toPassword('daemon-pairing');
    // The extension's own words name the broken link (not reachable, refused, not allowed).
    return toPassword('daemon-unavailable', status.eligibility?.problem?.message);
  }

  /** `{ ok: true, value }` or `{ ok: false, error }`: lets a request run ahead without an unhandled rejection. */
  const settle = (promise) =>
    promise.then(
      (value) => ({ ok: true, value }),
      (error) => ({ ok: false, error }),
    );

  const signInOptions = () => portalPost('/api/webauthn/authentication/options', {});

  /** The portal verifies the device's assertion and starts the session; then on to the next page. */
  async function verifyAndGo(credential) {
    say('Signing you in…');
    const result = await portalPost('/api/webauthn/authentication/verify', { credential });
    go(data.next && data.next !== '/' ? data.next : result.next);
  }

  /** Device sign-in: options from the portal (or the ones already fetched), Protect, verify. */
  async function deviceSignIn(fetched) {
    say('Verify it is you in Protect…');
    const { options } = fetched ?? (await signInOptions());
    const { credential } = await extensionRequest('signIn', { options }, CEREMONY_TIMEOUT_MS);
    await verifyAndGo(credential);
  }

  const registrationOptions = () => portalPost('/api/webauthn/registration/options', {});

  async function registerDevice(fetched) {
    if (!fetched) say('Passwordless Login: approve the registration in Protect…');
    const { options } = fetched ?? (await registrationOptions());
    const { credential, deviceStatement } = await extensionRequest('register', { options }, CEREMONY_TIMEOUT_MS);
    say('Registering this device…');
    await portalPost('/api/webauthn/registration/verify', { credential, deviceStatement });
    say('This device is registered for device sign-in.');
    go(data.next);
  }

  /**
   * After the email. The fast path does what a built-in WebAuthn page does: the sign-in options
   * are fetched at once, while the extension is still getting ready, and if the portal knows
   * device sign-in credentials for this email the extension is asked to sign straight away.
   * Only when there are none, or that fails, is `status` asked, to choose between the
   * passwordless offer, the password page with the extension's reason, or the sign-in error
   * (docs/performance.md, "Browser"; the outcomes are those of asking status first).
   */
  async function continuePage() {
    const optionsReady = settle(signInOptions());
    if (!(await waitForExtension())) return toPassword('no-extension');
    const fetched = await optionsReady;
    let firstTry;
    if (fetched.ok && (fetched.value.options?.allowCredentials?.length ?? 0) > 0) {
      say('Verify it is you in Protect…');
      const signed = await settle(extensionRequest('signIn', { options: fetched.value.options }, CEREMONY_TIMEOUT_MS));
      if (signed.ok) {
        try {
          await verifyAndGo(signed.value.credential);
        } catch (err) {
          sayProblem(`Device sign-in did not work: ${err.message} You can log in with your password instead.`);
        }
        return;
      }
      firstTry = signed.error;
    }

    let status;
    try {
      // What the portal knows decides: a credential of this device missing from its list is an orphan.
      status = await statusAfterPairing(
        fetched.ok ? credentialIds(fetched.value.options?.allowCredentials) : undefined,
      );
    } catch (err) {
      return toPassword(err.code ?? 'not-eligible', err.message);
    }
    if (status.daemon !== 'connected') return daemonNotConnected(status);
    const problem = status.eligibility?.problem;
    const held = status.registered || status.orphaned === true;
    if (held && status.eligibility?.eligible && status.device?.deviceSignIn !== false) {
      // The portal already knows why none of this user's credentials can sign in (the device was
      // revoked or left the inventory): say that once, without asking Protect first.
      const unavailable = fetched.ok ? fetched.value.unavailable : undefined;
      if (unavailable?.code) return toPassword(unavailable.code, unavailable.message);
      // The device holds a credential the portal lost: no Protect prompt that can only be refused;
      // the password page says why, and the finish page registers this device again.
      if (status.orphaned) return toPassword('device-unknown');
      if (firstTry) {
        return sayProblem(
          `Device sign-in did not work: ${firstTry.message} You can log in with your password instead.`,
        );
      }
      // Registered here, but the portal offered none of this device's credentials (or its options
      // failed): try as before, so the user sees what the portal or the device says.
      try {
        await deviceSignIn(fetched.ok ? fetched.value : undefined);
      } catch (err) {
        sayProblem(`Device sign-in did not work: ${err.message} You can log in with your password instead.`);
      }
      return;
    }
    if (status.eligibility?.eligible && !held) {
      say('');
      document.getElementById('passwordless-offer')?.removeAttribute('hidden');
      return;
    }
    if (problem) return toPassword(problem.code, problem.message);
    return toPassword(status.device?.deviceSignIn === false ? 'ERR_DEVICE_SIGNIN_DISABLED' : 'not-eligible');
  }

  async function finishPage() {
    if (!(await waitForExtension())) return go(data.next);
    try {
      const status = await statusAfterPairing();
      if (status.daemon !== 'connected' || !status.eligibility?.eligible) return go(data.next);
      if (!status.registered) return await registerDevice();
      // Registered on this device: only the portal's list (excludeCredentials) says whether the
      // portal still knows that credential. An orphan is replaced by a new registration.
      const fetched = await registrationOptions();
      const checked = await getStatus(credentialIds(fetched.options?.excludeCredentials));
      if (!checked.orphaned) return go(data.next);
      say('The portal no longer knew this device: approve registering it again in Protect…');
      await registerDevice(fetched);
    } catch (err) {
      sayProblem(`Device sign-in could not be set up: ${err.message} You are signed in with your password.`);
    }
  }

  async function stepUpPage() {
    if (!(await waitForExtension())) {
      return sayProblem('Device sign-in needs the Keybound extension, which is not available in this browser.');
    }
    try {
      await deviceSignIn();
    } catch (err) {
      sayProblem(`Device sign-in did not work: ${err.message}`);
    }
  }

  function passwordPage() {
    const raw = sessionStorage.getItem(PROBLEM_KEY);
    sessionStorage.removeItem(PROBLEM_KEY);
    const reasonEl = document.getElementById('reason');
    if (!raw || !reasonEl) return;
    try {
      const problem = JSON.parse(raw);
      // Only the extension's own words for the reason this page was opened with.
      if (problem.code === data.reason && typeof problem.message === 'string') reasonEl.textContent = problem.message;
    } catch {
      // A stale or foreign value: keep the portal's own sentence.
    }
  }

  async function untrustedPage() {
    if (await waitForExtension()) document.getElementById('step-up-box')?.removeAttribute('hidden');
  }

  const pages = {
    continue: continuePage,
    finish: finishPage,
    'step-up': stepUpPage,
    password: passwordPage,
    untrusted: untrustedPage,
  };
  const run = pages[data.page];
  if (run) Promise.resolve(run()).catch((err) => sayProblem(String(err?.message ?? err)));
})();
