/**
 * Maps one parsed, authenticated protocol request to the authenticator (device side). The
 * handshake requests are handled by the connection's {@link PairingHandshake} before this.
 */
import type { ClientMessage } from '../../../shared/protocol/index.js';
import type { AuthenticatorApi, RequestContext } from '../authenticator/AuthenticatorApi.js';

/** The connection itself answers the handshake and `cancel` (it owns the requests' lifetimes). */
export type AppRequest = Exclude<ClientMessage, { type: 'hello' | 'pair' | 'auth' | 'cancel' }>;

/** Runs an authenticated request; throws a KeyboundError on refusal. */
export async function dispatchRequest(api: AuthenticatorApi, msg: AppRequest, ctx: RequestContext): Promise<unknown> {
  switch (msg.type) {
    case 'ping':
      return { pong: true };
    case 'status':
      return api.status({ rpId: msg.rpId, userName: msg.userName, knownCredentialIds: msg.knownCredentialIds });
    case 'register':
      return api.register({ origin: msg.origin, options: msg.options }, ctx);
    case 'signIn':
      return api.signIn({ origin: msg.origin, options: msg.options }, ctx);
    case 'accounts.list':
      return api.listAccounts();
    case 'accounts.show':
      return api.showAccount(msg.accountId);
    case 'accounts.delete':
      return api.deleteAccount(msg.accountId);
    case 'settings.get':
      return api.getSettings();
    case 'settings.set':
      return api.setSettings({ deviceSignIn: msg.deviceSignIn });
    case 'session.register':
      return api.sessionRegister({
        origin: msg.origin,
        endpoint: msg.endpoint,
        challenge: msg.challenge,
        ...(msg.authorization !== undefined ? { authorization: msg.authorization } : {}),
      });
    case 'session.refresh':
      return api.sessionRefresh({
        origin: msg.origin,
        endpoint: msg.endpoint,
        keyId: msg.keyId,
        challenge: msg.challenge,
      });
    case 'session.forget':
      return api.sessionForget({ origin: msg.origin, keyId: msg.keyId });
    default: {
      const never: never = msg;
      throw new TypeError(`Unhandled request ${(never as { type: string }).type}`);
    }
  }
}
