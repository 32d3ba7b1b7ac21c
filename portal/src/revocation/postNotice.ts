/**
 * Sends one signed notice and says what became of it. OIDC Back-Channel Logout: a form POST of
 * `logout_token`, success is 200 (or 204, which some frameworks answer). SSF push (RFC 8935): the
 * SET as the body with `Content-Type: application/secevent+jwt`, success is 202 (any 2xx taken).
 * A 4xx other than 408/429 is the receiver refusing this notice: sending it again cannot help.
 * No redirects are followed (a notice goes only where it was registered to go).
 */
export type PostOutcome = { ok: true } | { ok: false; retry: boolean; error: string };

const MAX_ERROR_BODY = 300;

export async function postNotice(
  target: string,
  kind: 'backchannel-logout' | 'caep',
  token: string,
  options: { timeoutMs: number; signal?: AbortSignal; fetch?: typeof fetch },
): Promise<PostOutcome> {
  const send = options.fetch ?? fetch;
  let res: Response;
  try {
    res = await send(target, {
      method: 'POST',
      redirect: 'manual',
      signal: options.signal
        ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)])
        : AbortSignal.timeout(options.timeoutMs),
      headers:
        kind === 'caep'
          ? { 'content-type': 'application/secevent+jwt', accept: 'application/json' }
          : { 'content-type': 'application/x-www-form-urlencoded' },
      body: kind === 'caep' ? token : new URLSearchParams({ logout_token: token }).toString(),
    });
  } catch (err) {
    const name = (err as { name?: string }).name;
    return {
      ok: false,
      retry: true,
      error: name === 'TimeoutError' ? 'timed out' : `unreachable (${name ?? 'error'})`,
    };
  }
  const body = (await res.text().catch(() => '')).slice(0, MAX_ERROR_BODY);
  if (res.status >= 200 && res.status < 300) return { ok: true };
  const retry =
    res.status >= 500 || res.status === 408 || res.status === 429 || (res.status >= 300 && res.status < 400);
  return { ok: false, retry, error: `HTTP ${res.status}${body ? `: ${body.replace(/\s+/g, ' ')}` : ''}` };
}
