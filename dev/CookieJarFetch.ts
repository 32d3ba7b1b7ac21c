/**
 * A tiny browser stand-in for HTTP-level tests: `fetch` with a cookie jar (one origin, names and
 * values only — enough for the portal's single session cookie), form and JSON bodies, and manual
 * redirect following (GET after 303, bounded).
 */

export interface JarResponse {
  status: number;
  /** The final URL after redirects. */
  url: string;
  headers: Headers;
  body: string;
  json<T = unknown>(): T;
}

export interface JarRequest {
  method?: string;
  form?: Record<string, string>;
  json?: unknown;
  /** Raw body (with `contentType`), for malformed-input tests. */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Follow redirects (default true). */
  follow?: boolean;
}

const MAX_REDIRECTS = 10;

export class CookieJarFetch {
  readonly cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  /** The session cookie's value, if any. */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  async request(path: string, options: JarRequest = {}): Promise<JarResponse> {
    let url = new URL(path, this.origin).href;
    let method =
      options.method ?? (options.form || options.json !== undefined || options.raw !== undefined ? 'POST' : 'GET');
    let body: string | undefined;
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    } else if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const cookieHeader = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const init: RequestInit = {
        method,
        redirect: 'manual',
        headers: { ...headers, ...(cookieHeader ? { cookie: cookieHeader } : {}) },
        ...(body !== undefined ? { body } : {}),
      };
      const res = await fetchRetryingStaleSocket(url, init);
      this.#store(res.headers.getSetCookie());
      const location = res.headers.get('location');
      if (options.follow !== false && location && res.status >= 300 && res.status < 400) {
        url = new URL(location, url).href;
        if (res.status !== 307 && res.status !== 308) {
          method = 'GET';
          body = undefined;
          delete headers['content-type'];
        }
        await res.arrayBuffer();
        continue;
      }
      const text = await res.text();
      return {
        status: res.status,
        url,
        headers: res.headers,
        body: text,
        json: <T>() => JSON.parse(text) as T,
      };
    }
    throw new Error(`More than ${MAX_REDIRECTS} redirects from ${path}`);
  }

  #store(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/**
 * Like a browser, retries a GET once when a kept-alive connection turns out to be closed by a
 * server that restarted (undici reports "other side closed" instead of reconnecting).
 */
async function fetchRetryingStaleSocket(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code;
    if (init.method !== 'GET' || (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET')) throw err;
    return fetch(url, init);
  }
}

/** The CSRF token of a portal page (meta tag or hidden field). */
export function csrfOf(html: string): string {
  const match = /name="csrf-token" content="([^"]+)"/.exec(html) ?? /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('No CSRF token on the page');
  return match[1];
}
