/**
 * oidc-provider turns any error it did not raise itself into a 500 `server_error` ("oops! something
 * went wrong"). When the cause is the portal's database being unreachable (the adapter, the apps
 * table, the account lookup), the answer must instead be the portal's own: HTTP 503 with the
 * sentence of {@link storeUnavailable}, as a page for a browser and as `temporarily_unavailable`
 * (RFC 6749 §4.1.2.1) for an app's back-channel call.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';
import { PortalError } from '../../../shared/errors.js';
import { errorPage } from '../views/portalPages.js';

/** The store-unavailable error behind `err`, if that is what it is. */
export function storeUnavailableCause(err: unknown): PortalError | undefined {
  return err instanceof PortalError && err.code === 'ERR_STORE_UNAVAILABLE' ? err : undefined;
}

/** For `renderError` (browser endpoints): true when it answered. */
export function renderStoreUnavailable(ctx: KoaContextWithOIDC, err: unknown): boolean {
  const cause = storeUnavailableCause(err);
  if (!cause) return false;
  ctx.status = 503;
  ctx.type = 'html';
  ctx.set('Retry-After', '5');
  ctx.body = errorPage({ title: 'Something went wrong', message: cause.message }).value;
  return true;
}

/** For the `server_error` event (JSON endpoints such as /oidc/token): true when it answered. */
export function answerStoreUnavailable(ctx: KoaContextWithOIDC, err: unknown): boolean {
  const cause = storeUnavailableCause(err);
  if (!cause) return false;
  ctx.status = 503;
  ctx.set('Retry-After', '5');
  if (ctx.type !== 'text/html') ctx.body = { error: 'temporarily_unavailable', error_description: cause.message };
  return true;
}
