/**
 * The exact `Host` check that defeats DNS rebinding: a page on `evil.example` that resolves to
 * 127.0.0.1 still sends `Host: evil.example:PORT`, so only the loopback names with our own port
 * pass. Pure; returns a result instead of throwing.
 */
import type { IncomingHttpHeaders } from 'node:http';

export type HostCheck = { ok: true; host: string } | { ok: false; reason: string };

/** The Host values this daemon answers to on `port`. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

/** Checks a request's Host header (and that it was sent exactly once) against the loopback names. */
export function checkHost(req: { headers: IncomingHttpHeaders; rawHeaders?: string[] }, port: number): HostCheck {
  // Node keeps the first of duplicated Host headers; a second one is a smuggling attempt.
  if (req.rawHeaders && countHeader(req.rawHeaders, 'host') > 1) return { ok: false, reason: 'duplicate Host header' };
  const host = req.headers.host;
  if (typeof host !== 'string' || host.length === 0) return { ok: false, reason: 'missing Host header' };
  const normalised = host.toLowerCase();
  if (!allowedHosts(port).includes(normalised)) {
    return { ok: false, reason: `Unexpected Host "${host.slice(0, 100)}", expected 127.0.0.1:${port}` };
  }
  return { ok: true, host: normalised };
}

/** How many times a header name occurs in Node's `rawHeaders` (name, value, name, value …). */
export function countHeader(rawHeaders: string[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]?.toLowerCase() === name) count++;
  return count;
}
