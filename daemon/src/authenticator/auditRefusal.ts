/**
 * Records a refused registration or sign-in in the audit log and the daemon log: the event, the
 * error code and who asked — never the options' challenge or anything secret.
 */
import { toWireError } from '../../../shared/errors.js';
import type { RequestContext } from './AuthenticatorApi.js';
import type { AuthenticatorDeps } from './AuthenticatorDeps.js';

export async function auditRefusal<T>(
  deps: Pick<AuthenticatorDeps, 'audit' | 'logger'>,
  event: 'registration.refused' | 'signin.refused',
  who: { origin: string; ctx: RequestContext },
  operation: () => Promise<T>,
): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    const { code } = toWireError(err);
    deps.audit.record(event, { requestId: who.ctx.requestId, origin: who.origin, browser: who.ctx.browser, code });
    if (code === 'ERR_INTERNAL') deps.logger.error({ event, code, err }, 'operation failed');
    else deps.logger.info({ event, code }, 'operation refused');
    throw err;
  }
}
