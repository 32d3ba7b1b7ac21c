/**
 * Maps one parsed, authenticated protocol request to the authenticator (device side): one typed
 * table keyed by request type, each entry answering with that type's result. The handshake
 * requests are handled by the connection's PairingHandshake before this, and `cancel` by the
 * connection itself (it owns the requests' lifetimes).
 */
import type { ClientMessage, RequestOf, ResultOf } from '../../../shared/protocol/index.js';
import type { AuthenticatorApi, RequestContext } from '../authenticator/AuthenticatorApi.js';

export type AppRequest = Exclude<ClientMessage, { type: 'hello' | 'pair' | 'auth' | 'cancel' }>;
export type AppRequestType = AppRequest['type'];

/** Each request type's message and result (a map, so TypeScript can correlate them below). */
type Requests = { [T in AppRequestType]: RequestOf<T> };
type Results = { [T in AppRequestType]: ResultOf<T> };
type Handlers = {
  [T in AppRequestType]: (api: AuthenticatorApi, req: Requests[T], ctx: RequestContext) => Promise<Results[T]>;
};

// The parsed message is the parameters: `type` and `id` ride along and are ignored.
const handlers: Handlers = {
  ping: async () => ({ pong: true }),
  status: (api, req) => api.status(req),
  register: (api, req, ctx) => api.register(req, ctx),
  signIn: (api, req, ctx) => api.signIn(req, ctx),
  'accounts.list': (api) => api.listAccounts(),
  'accounts.show': (api, req) => api.showAccount(req.accountId),
  'accounts.delete': (api, req) => api.deleteAccount(req.accountId),
  'settings.get': (api) => api.getSettings(),
  'settings.set': (api, req) => api.setSettings(req),
  'session.register': (api, req) => api.sessionRegister(req),
  'session.refresh': (api, req) => api.sessionRefresh(req),
  'session.forget': (api, req) => api.sessionForget(req),
};

/** Runs an authenticated request; resolves to its type's result, throws a KeyboundError on refusal. */
export function dispatchRequest<T extends AppRequestType>(
  api: AuthenticatorApi,
  type: T,
  msg: Requests[T],
  ctx: RequestContext,
): Promise<Results[T]> {
  const handler: Handlers[T] = handlers[type];
  return handler(api, msg, ctx);
}
