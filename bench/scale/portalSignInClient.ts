/**
 * The client side of the portal throughput bench: a software device enrolled and registered for a
 * user, and one complete device sign-in as the continue page drives it (GET /signin, POST the
 * email, POST authentication options, sign, POST verify). Runs in the bench process, outside the
 * measured portal.
 */
import { CookieJarFetch, csrfOf, type JarResponse } from '../../dev/CookieJarFetch.js';
import { SoftwareAuthenticator } from '../../dev/softwareAuthenticator.js';
import type { CreationOptionsJSON, RequestOptionsJSON } from '../../shared/protocol/webauthnJson.js';

/** A page the flow needs, or an error naming what came instead. */
function expectPage(res: JarResponse, what: string): JarResponse {
  if (res.status !== 200) throw new Error(`${what}: ${res.status} at ${res.url}: ${res.body.slice(0, 300)}`);
  return res;
}

/** Sets up a user with a registered software device; returns the device. */
export async function registerBenchDevice(
  origin: string,
  user: { email: string; password: string },
  token: string,
): Promise<SoftwareAuthenticator> {
  const device = new SoftwareAuthenticator();
  const publicKey = await device.enrollIdentity();
  const res = await fetch(`${origin}/api/devices/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token,
      publicKey,
      enrollmentType: 'desktop-agent',
      platform: 'linux',
      name: 'bench device',
    }),
  });
  if (res.status !== 201) throw new Error(`enroll: ${res.status} ${await res.text()}`);
  device.deviceId = ((await res.json()) as { deviceId: string }).deviceId;
  const client = new CookieJarFetch(origin);
  const page = expectPage(await client.request('/signin'), 'the email page');
  await client.request('/signin', { form: { _csrf: csrfOf(page.body), email: user.email } });
  const pw = expectPage(await client.request('/signin/password'), 'the password page');
  await client.request('/signin/password', { form: { _csrf: csrfOf(pw.body), password: user.password } });
  const csrf = csrfOf(expectPage(await client.request('/signin/finish'), 'the finish page').body);
  const opt = await client.request('/api/webauthn/registration/options', {
    json: {},
    headers: { 'x-csrf-token': csrf },
  });
  if (opt.status !== 200) throw new Error(`registration options: ${opt.status} ${opt.body}`);
  const { options } = opt.json<{ options: CreationOptionsJSON }>();
  const result = await device.register(origin, options);
  const done = await client.request('/api/webauthn/registration/verify', {
    json: result,
    headers: { 'x-csrf-token': csrf },
  });
  if (done.status >= 300) throw new Error(`registration verify: ${done.status} ${done.body}`);
  return device;
}

/** One complete device sign-in; returns the ms spent signing (client side, not the portal's). */
export async function signInOnce(origin: string, device: SoftwareAuthenticator, email: string): Promise<number> {
  const client = new CookieJarFetch(origin);
  const page = expectPage(await client.request('/signin'), 'the email page');
  const cont = expectPage(
    await client.request('/signin', { form: { _csrf: csrfOf(page.body), email } }),
    'the continue page',
  );
  const csrf = csrfOf(cont.body);
  const res = await client.request('/api/webauthn/authentication/options', {
    json: {},
    headers: { 'x-csrf-token': csrf },
  });
  if (res.status !== 200) throw new Error(`authentication options: ${res.status} ${res.body}`);
  const { options } = res.json<{ options: RequestOptionsJSON }>();
  const t0 = performance.now();
  const { credential } = await device.signIn(origin, options);
  const signMs = performance.now() - t0;
  const verify = await client.request('/api/webauthn/authentication/verify', {
    json: { credential },
    headers: { 'x-csrf-token': csrf },
  });
  if (verify.status !== 200) throw new Error(`authentication verify: ${verify.status} ${verify.body}`);
  return signMs;
}
