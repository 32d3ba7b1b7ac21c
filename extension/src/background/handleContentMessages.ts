/**
 * Handlers of the `content:background` channel. The sender was already interpreted (the tab's
 * browser-reported origin is a configured portal or SSO login origin); these handlers add the
 * daemon round trip. The origin sent to the daemon is always that browser-reported origin.
 */
import type { WireError } from '../../../shared/errors.js';
import type { PageResultOf } from '../../../shared/protocol/pageApi.js';
import type { ChannelHandlers } from '../messaging/createChannelReceiver.js';
import { type DaemonClient, PROTECT_REQUEST_TIMEOUT_MS } from './daemon/DaemonClient.js';
import type { SenderContext } from './interpretSender.js';
import type { OrphanedRegistrations } from './OrphanedRegistrations.js';
import type { PageCeremonies } from './PageCeremonies.js';
import type { ProtectHandoff } from './ProtectHandoff.js';
import { rpIdMatchesOrigin } from './rpIdMatchesOrigin.js';
import type { UnshownPrompts } from './UnshownPrompts.js';

type ContentContext = Extract<SenderContext, { kind: 'content' }>;

export interface ContentHandlerDeps {
  daemon: Pick<DaemonClient, 'request' | 'state'>;
  handoff: Pick<ProtectHandoff, 'rememberRequest' | 'forgetRequest' | 'awaitingDaemon'>;
  /** Each tab's requests waiting at the daemon, cancelled when its page goes away. */
  ceremonies: Pick<PageCeremonies, 'add' | 'remove' | 'abandon'>;
  extensionVersion: string;
  /** Requests cancelled because their Protect window could not be shown, and why. */
  unshown?: Pick<UnshownPrompts, 'take'>;
  /** Portals whose page said they no longer know this device's credential (for the popup). */
  orphans?: Pick<OrphanedRegistrations, 'note'>;
  /** Structured log (event and code only): each register or sign-in and how it ended. */
  log?: (event: string, fields: { code: string; type: string }) => void;
  /** How long a `status` waits before answering "pairing" while the user approves the pairing. */
  pairingGraceMs?: number;
}

const err = (error: WireError) => ({ ok: false as const, error });

/** Builds the handlers; `context` is the interpreted sender of each message. */
export function handleContentMessages(deps: ContentHandlerDeps): ChannelHandlers<'content:background', ContentContext> {
  return {
    async gate({ origin }, context) {
      // The content script's own location.origin must agree with the browser's view of the tab.
      return origin === context.origin ? { allowed: true } : undefined;
    },

    async 'page.abandon'(_payload, context) {
      return { cancelled: deps.ceremonies.abandon(context.tabId) };
    },

    async 'page.request'({ origin, request }, context) {
      if (origin !== context.origin) {
        return err({ code: 'ERR_BAD_ORIGIN', message: `Unexpected origin "${origin}", expected "${context.origin}"` });
      }
      const tab = { tabId: context.tabId, windowId: context.windowId };
      // Should this request have to pair first, pairing's Protect window returns to this tab.
      const answered = deps.handoff.awaitingDaemon(tab);
      switch (request.type) {
        case 'status':
          return status(deps, context.origin, request.payload, answered);
        case 'register':
        case 'signIn': {
          let requestId: string | undefined;
          const payload = { origin: context.origin, options: request.payload.options };
          const outcome = await deps.daemon
            .request(request.type, payload as never, {
              timeoutMs: PROTECT_REQUEST_TIMEOUT_MS,
              onId: (id) => {
                requestId = id;
                deps.handoff.rememberRequest(id, tab);
                deps.ceremonies.add(tab.tabId, id);
              },
            })
            .finally(answered);
          // Cancelled because its Protect window could not be shown: the page hears that reason.
          const unshown = requestId ? deps.unshown?.take(requestId) : undefined;
          if (requestId) {
            deps.handoff.forgetRequest(requestId);
            deps.ceremonies.remove(tab.tabId, requestId);
          }
          // A registration that went through replaced any orphan the portal had lost.
          if (outcome.ok && request.type === 'register') deps.orphans?.note(context.origin, false);
          if (outcome.ok) {
            deps.log?.('page.ceremony', { code: 'OK', type: request.type });
            return { ok: true, result: outcome.result };
          }
          const error = unshown ?? outcome.error;
          deps.log?.('page.ceremony', { code: error.code, type: request.type });
          return err(error);
        }
      }
    },
  };
}

type StatusAnswer = { ok: true; result: PageResultOf<'status'> } | { ok: false; error: WireError };

async function status(
  deps: ContentHandlerDeps,
  origin: string,
  payload: { rpId?: string; userName?: string; knownCredentialIds?: string[] },
  answered: () => void,
): Promise<StatusAnswer> {
  const rpId = payload.rpId ?? new URL(origin).hostname;
  if (!rpIdMatchesOrigin(rpId, origin)) {
    answered();
    return err({ code: 'ERR_RP_ID_MISMATCH', message: `RP ID "${rpId}" does not belong to origin "${origin}"` });
  }
  // The page may hear "pairing" before this answer: the tab stays the pairing's until it comes.
  const request = deps.daemon
    .request('status', {
      rpId,
      ...(payload.userName ? { userName: payload.userName } : {}),
      ...(payload.knownCredentialIds ? { knownCredentialIds: payload.knownCredentialIds } : {}),
    })
    .finally(answered);
  // First use pairs the extension, which may wait for the user in Protect: tell the page meanwhile.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const grace = new Promise<'grace'>((resolve) => {
    timer = setTimeout(() => resolve('grace'), deps.pairingGraceMs ?? 1_500);
  });
  let outcome = await Promise.race([request, grace]);
  clearTimeout(timer);
  if (outcome === 'grace') {
    if (deps.daemon.state === 'pairing') return notConnected(deps, 'pairing', pairingProblem);
    outcome = await request;
  }
  if (outcome.ok) {
    const { device, eligibility, registered, orphaned } = outcome.result;
    if (orphaned !== undefined) deps.orphans?.note(origin, orphaned);
    return {
      ok: true,
      result: {
        extensionVersion: deps.extensionVersion,
        daemon: 'connected',
        device,
        eligibility,
        registered,
        ...(orphaned !== undefined ? { orphaned } : {}),
      },
    };
  }
  return notConnected(deps, deps.daemon.state === 'pairing' ? 'pairing' : 'unavailable', outcome.error);
}

const pairingProblem = {
  code: 'ERR_NOT_PAIRED',
  message: 'The extension is being paired with this device. Approve it in the Protect window.',
};

/** The daemon cannot answer: still a successful status, so the portal can offer the password path. */
function notConnected(
  deps: ContentHandlerDeps,
  daemon: 'pairing' | 'unavailable',
  problem: { code: string; message: string },
): StatusAnswer {
  return {
    ok: true,
    result: {
      extensionVersion: deps.extensionVersion,
      daemon,
      eligibility: { eligible: false, problem },
      registered: false,
    },
  };
}
