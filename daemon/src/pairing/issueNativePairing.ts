/**
 * Pairing vouched for by the browser (decision 0040): the native-messaging host, started by the
 * browser for `extensionOrigin`, asks over the control socket for a pairing secret for one
 * extension install. An allow-listed, pre-authorised id gets it at once; any other allow-listed id
 * after the user approves in Protect (the approval URL goes back over native messaging, never to
 * the WebSocket). The secret is random, stored sealed, and handed out exactly once.
 */
import { randomBytes } from 'node:crypto';
import { ChannelError, KeyboundError } from '../../../shared/errors.js';
import { toBase64url } from '../../../shared/webauthn/base64url.js';
import type { AuditLog } from '../audit/AuditLog.js';
import type { ProtectEventSink } from '../protect/ProtectEventSink.js';
import type { UserVerifier } from '../protect/UserVerifier.js';
import type { ExtensionPolicy } from './loadDaemonConfig.js';
import type { PairingStore } from './PairingStore.js';

export interface NativePairingDeps {
  policy: ExtensionPolicy;
  store: PairingStore;
  verifier: UserVerifier;
  audit?: AuditLog;
  clock?: () => Date;
  port: () => number;
}

export interface NativePairing {
  port: number;
  secret: string;
  pairedAt: string;
}

/**
 * Issues a pairing for `installId` of `extensionOrigin`; `signal` cancels a waiting Protect
 * prompt, and the prompt's events go to `events` (the asking native host).
 */
export async function issueNativePairing(
  args: { extensionOrigin: string; installId: string; signal?: AbortSignal; events?: ProtectEventSink },
  deps: NativePairingDeps,
): Promise<NativePairing> {
  const { extensionOrigin, installId } = args;
  // COMPAT(untested: no macOS here) — Safari's containing app (decision 0042): its origin is random
  // per install, so it is never allow-listed or pre-authorised; its pairing always asks the user.
  const safari = extensionOrigin.startsWith('safari-web-extension://');
  const browser = safari ? 'Safari' : 'Chrome';
  const id = extensionOrigin.slice('chrome-extension://'.length);
  if (!safari && !deps.policy.allowedExtensionIds.has(id)) {
    throw new ChannelError(
      'ERR_BAD_ORIGIN',
      `Extension ${id} is not allowed by this daemon. IT adds it with --allow-extension or "allowExtensions" in config.json.`,
    );
  }
  const existing = await deps.store.get(installId);
  if (existing && existing.extensionOrigin !== extensionOrigin) {
    throw new ChannelError('ERR_BAD_ORIGIN', 'This install id belongs to another extension.');
  }
  const fields = { extensionOrigin, browser, repair: existing !== undefined, via: 'native-messaging' };
  deps.audit?.record('pairing.requested', fields);
  if (!safari && deps.policy.preauthorizedIds.has(id)) {
    deps.audit?.record('pairing.preauthorized', fields);
  } else {
    try {
      const handle = await deps.verifier.verify({
        action: 'pair',
        origin: extensionOrigin,
        browser,
        requestId: `native-${randomBytes(6).toString('base64url')}`,
        ...(args.signal ? { signal: args.signal } : {}),
        ...(args.events ? { events: args.events } : {}),
      });
      handle.complete({ ok: true });
    } catch (err) {
      deps.audit?.record('pairing.denied', {
        ...fields,
        code: err instanceof KeyboundError ? err.code : 'ERR_INTERNAL',
      });
      if (err instanceof KeyboundError && err.code === 'ERR_USER_DENIED')
        throw new ChannelError('ERR_PAIRING_DENIED', 'Pairing was denied in Protect.', { cause: err });
      throw err;
    }
    deps.audit?.record('pairing.approved', fields);
  }
  const secret = new Uint8Array(randomBytes(32));
  const pairedAt = (deps.clock?.() ?? new Date()).toISOString();
  await deps.store.put({ installId, extensionOrigin, secret, browser, pairedAt, lastSeenAt: null });
  const encoded = toBase64url(secret);
  secret.fill(0);
  return { port: deps.port(), secret: encoded, pairedAt };
}
