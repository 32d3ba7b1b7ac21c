/**
 * The last middleware: every failure becomes `{ error: { code, message } }` (API paths) or an
 * error page (pages), with the PortalError's status. Details only below 500; anything unexpected
 * is logged with its stack and answered with a generic ERR_INTERNAL.
 */
import type { NextFunction, Request, Response } from 'express';
import { PortalError, type WireError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/node/createLogger.js';
import { errorPage } from '../views/portalPages.js';
import { sendHtml } from './sendHtml.js';

/** Maps body-parser failures (they carry `type`) to portal errors. */
function fromBodyParser(err: { type?: unknown; status?: unknown; statusCode?: unknown }): PortalError | undefined {
  switch (err.type) {
    case 'entity.too.large':
    case 'parameters.too.many':
      return new PortalError('ERR_PAYLOAD_TOO_LARGE', 'The request body is too large.');
    case 'entity.parse.failed':
      return new PortalError('ERR_BAD_REQUEST', 'The request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
    case 'request.aborted':
    case 'request.size.invalid':
      return new PortalError('ERR_BAD_REQUEST', 'The request body could not be read.');
    default:
      return fromClientStatus(err);
  }
}

/**
 * express.static (send) and the router mark the client's mistakes with a 4xx status: a missing
 * file (404), a broken %-escape or a NUL byte (400), a `../` outside the folder (403). They are
 * client errors — answered 400/404 and logged at info, never a 500 with a stack. A path that
 * tries to leave the folder gets the same 404 as a missing file: it learns nothing.
 */
function fromClientStatus(err: { status?: unknown; statusCode?: unknown }): PortalError | undefined {
  const status = typeof err.status === 'number' ? err.status : err.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  if (status === 404 || status === 403) return new PortalError('ERR_NOT_FOUND', 'This page does not exist.');
  return new PortalError('ERR_BAD_REQUEST', 'The address of this request is not valid.');
}

export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const known =
      err instanceof PortalError
        ? err
        : fromBodyParser((err ?? {}) as { type?: unknown; status?: unknown; statusCode?: unknown });
    const status = known?.status ?? 500;
    const wire: WireError = known?.toWire() ?? { code: 'ERR_INTERNAL', message: 'Internal error. See the portal log.' };
    if (status >= 500) logger.error({ event: 'http.error', code: wire.code, err }, 'request failed');
    else logger.info({ event: 'http.refused', code: wire.code, path: req.path }, 'request refused');
    if (res.headersSent) return;
    if (req.path.startsWith('/api/') || !req.accepts('html')) {
      res.status(status).set('Cache-Control', 'no-store').json({ error: wire });
      return;
    }
    sendHtml(
      res,
      errorPage({ title: status === 403 ? 'Not allowed' : 'Something went wrong', message: wire.message }),
      status,
    );
  };
}
