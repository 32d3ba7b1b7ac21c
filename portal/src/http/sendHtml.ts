import type { Response } from 'express';
import type { SafeHtml } from '../views/html.js';

/** Sends a page; pages are per-user, so never cached. */
export function sendHtml(res: Response, page: SafeHtml, status = 200): void {
  res.status(status).type('html').set('Cache-Control', 'no-store').send(page.value);
}
