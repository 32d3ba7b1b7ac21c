/**
 * HTTP routes of the emulated Protect window on the daemon's loopback port:
 *   GET  /protect/<id>?token=T        shows the request (the token is checked, not consumed)
 *   POST /protect/<id>/approve|deny   form body `token=T`; consumes the token once
 * The server has already checked Host. This is the one route that takes no extension Origin:
 * the page is opened as a top-level tab, so its POST carries the daemon's own origin, which is
 * required here (docs/decisions/0003-protect-page-origin.md). GET never changes state.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../../shared/node/createLogger.js';
import type { ProtectQueue } from './ProtectQueue.js';
import { renderGonePage, renderOutcomePage, renderRequestPage } from './renderProtectPage.js';

const MAX_FORM_BYTES = 1024;
const PAGE = /^\/protect\/([A-Za-z0-9_-]{8,64})$/;
const DECISION = /^\/protect\/([A-Za-z0-9_-]{8,64})\/(approve|deny)$/;

/** Headers on every response of the Protect window: no framing, no caching, no referrer. */
export function protectHeaders(nonce: string): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
    // same-origin, not no-referrer: with no-referrer, browsers send `Origin: null` on the form POST,
    // which the origin check below must refuse. Nothing leaves the daemon's own origin either way.
    'Referrer-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/** Handles a request under /protect/; `host` is the already-checked Host header. */
export async function handleProtectHttp(
  req: IncomingMessage,
  res: ServerResponse,
  deps: { queue: ProtectQueue; host: string; logger: Logger },
): Promise<void> {
  const nonce = randomBytes(16).toString('base64');
  const reply = (status: number, html: string) => {
    res.writeHead(status, protectHeaders(nonce)).end(html);
  };
  const url = new URL(req.url ?? '/', 'http://daemon.invalid');
  const page = PAGE.exec(url.pathname);
  if (page && (req.method === 'GET' || req.method === 'HEAD')) {
    const token = url.searchParams.get('token') ?? '';
    const view = deps.queue.lookup(page[1] as string, token);
    return view ? reply(200, renderRequestPage(view, token, nonce)) : reply(404, renderGonePage(nonce));
  }
  const decision = DECISION.exec(url.pathname);
  if (!decision && !page) return reply(404, renderGonePage(nonce));
  if (!decision || req.method !== 'POST') {
    res.setHeader('Allow', decision ? 'POST' : 'GET');
    return reply(405, renderGonePage(nonce));
  }
  // A cross-origin form or fetch (any web page, or `Origin: null`) must not approve anything.
  if (req.headers.origin !== `http://${deps.host}`) {
    deps.logger.warn({ event: 'protect.post_refused', code: 'ERR_BAD_ORIGIN' }, 'Protect POST from a foreign origin');
    return reply(403, renderGonePage(nonce));
  }
  if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
    return reply(415, renderGonePage(nonce));
  const body = await readBody(req, MAX_FORM_BYTES);
  if (body === undefined) {
    res.setHeader('Connection', 'close');
    return reply(413, renderGonePage(nonce));
  }
  const token = new URLSearchParams(body).get('token') ?? '';
  const id = decision[1] as string;
  const view = deps.queue.lookup(id, token);
  const finished = view && deps.queue.decide(id, decision[2] as 'approve' | 'deny', token);
  if (!view || !finished) {
    deps.logger.warn(
      { event: 'protect.post_refused', code: 'ERR_NOT_FOUND' },
      'Protect POST with an unknown id or token',
    );
    return reply(404, renderGonePage(nonce));
  }
  const outcome = await finished;
  reply(200, renderOutcomePage(view.action, outcome, nonce));
}

/** Reads a small body; undefined when it exceeds `max` bytes (the rest is drained, never buffered). */
function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}
