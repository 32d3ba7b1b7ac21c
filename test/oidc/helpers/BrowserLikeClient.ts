/**
 * A small HTTP client that behaves like a browser where OIDC tests need it: a cookie jar keyed by
 * host (not port, as browsers do) and path, and redirects followed by hand so each hop can be
 * inspected. Loopback only.
 */
import { loopbackFetch } from './loopbackFetch.js';

interface StoredCookie {
  host: string;
  path: string;
  name: string;
  value: string;
}

export interface Hop {
  url: string;
  status: number;
  location?: string;
}

export interface FollowResult {
  status: number;
  url: string;
  body: string;
  hops: Hop[];
}

const MAX_REDIRECTS = 20;

export class BrowserLikeClient {
  readonly #cookies: StoredCookie[] = [];

  /** The cookie `name` visible to `url`, if any. */
  cookie(url: string, name: string): string | undefined {
    return this.#matching(new URL(url)).find((c) => c.name === name)?.value;
  }

  /** Sets a cookie as if a server at `url` had (tests use it to plant a session). */
  setCookie(url: string, name: string, value: string, path = '/'): void {
    const host = new URL(url).hostname;
    this.#store({ host, path, name, value });
  }

  /** One request, no redirect following; stores cookies from the response. */
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {},
  ) {
    const target = new URL(url);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) throw new TypeError(`Not loopback: ${url}`);
    const headers: Record<string, string> = { ...init.headers };
    const cookieHeader = this.#matching(target)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    if (cookieHeader) headers.cookie = cookieHeader;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const res = await loopbackFetch(target, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const line of res.headers.getSetCookie()) this.#receive(target, line);
    return res;
  }

  /**
   * Requests `url` and follows redirects (GET after 301/302/303), up to 20 hops. With `stopAt`,
   * a redirect whose target matches is not followed: the result's `url` is that target.
   */
  async follow(
    url: string,
    init: { method?: string; form?: Record<string, string>; stopAt?: (target: string) => boolean } = {},
  ): Promise<FollowResult> {
    const hops: Hop[] = [];
    let current = url;
    let next: { method?: string; form?: Record<string, string> } | undefined = init;
    for (let i = 0; i <= MAX_REDIRECTS; i++) {
      const res = await this.request(current, next ?? {});
      const location = res.headers.get('location') ?? undefined;
      hops.push({ url: current, status: res.status, ...(location ? { location } : {}) });
      if (res.status >= 300 && res.status < 400 && location) {
        await res.arrayBuffer();
        current = new URL(location, current).href;
        if (init.stopAt?.(current)) return { status: res.status, url: current, body: '', hops };
        next = res.status === 307 || res.status === 308 ? next : undefined;
        continue;
      }
      return { status: res.status, url: current, body: await res.text(), hops };
    }
    throw new Error(`More than ${MAX_REDIRECTS} redirects from ${url}`);
  }

  #matching(url: URL): StoredCookie[] {
    return this.#cookies
      .filter(
        (c) =>
          c.host === url.hostname &&
          (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)),
      )
      .sort((a, b) => b.path.length - a.path.length);
  }

  #store(cookie: StoredCookie): void {
    const i = this.#cookies.findIndex(
      (c) => c.host === cookie.host && c.path === cookie.path && c.name === cookie.name,
    );
    if (i >= 0) this.#cookies.splice(i, 1);
    if (cookie.value !== '') this.#cookies.push(cookie);
  }

  #receive(url: URL, line: string): void {
    const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq);
    let value = pair.slice(eq + 1);
    let path = url.pathname.slice(0, url.pathname.lastIndexOf('/')) || '/';
    // As browsers do (RFC 6265 §5.3): Max-Age, relative to this clock, wins over Expires.
    let maxAge: string | undefined;
    let expires: string | undefined;
    for (const attr of attrs) {
      const [k = '', v = ''] = attr.split('=');
      const key = k.toLowerCase();
      if (key === 'path' && v.startsWith('/')) path = v;
      if (key === 'max-age') maxAge = v;
      if (key === 'expires') expires = v;
    }
    if (maxAge !== undefined ? Number(maxAge) <= 0 : expires !== undefined && Date.parse(expires) <= Date.now()) {
      value = '';
    }
    this.#store({ host: url.hostname, path, name, value });
  }
}
