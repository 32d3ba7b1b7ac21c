/**
 * Handlers of the `popup:background` channel (the popup and the options page): the overview the
 * popup shows, the device sign-in toggle, and "try again". Every problem is passed on with the
 * daemon's own code and message; the popup turns codes into a fix (popup/explainProblem.ts).
 */

import type { Overview } from '../messaging/channels.js';
import type { ChannelHandlers } from '../messaging/createChannelReceiver.js';
import type { EffectiveSettings } from '../settings/settingsSchema.js';
import type { DaemonClient } from './daemon/DaemonClient.js';
import type { SenderContext } from './interpretSender.js';
import type { OrphanedRegistrations } from './OrphanedRegistrations.js';

type PageContext = Extract<SenderContext, { kind: 'extension-page' }>;

export interface PopupHandlerDeps {
  daemon: Pick<DaemonClient, 'request' | 'state' | 'problem' | 'disconnect' | 'port'>;
  settings: () => Promise<EffectiveSettings>;
  extensionVersion: string;
  /** Portals that no longer know this device's credential (their page said so). */
  orphans?: Pick<OrphanedRegistrations, 'has'>;
  /** How long the overview waits for the daemon before showing what it has. */
  overviewWaitMs?: number;
}

/** Builds the handlers. */
export function handlePopupMessages(deps: PopupHandlerDeps): ChannelHandlers<'popup:background', PageContext> {
  return {
    async overview() {
      return { ok: true, result: await overview(deps) };
    },
    async 'settings.set'({ deviceSignIn }) {
      const outcome = await deps.daemon.request('settings.set', { deviceSignIn });
      return outcome.ok ? { ok: true, result: outcome.result } : { ok: false, error: outcome.error };
    },
    async reconnect() {
      deps.daemon.disconnect();
      const outcome = await deps.daemon.request('ping', {});
      return outcome.ok ? { ok: true, result: { connection: deps.daemon.state } } : { ok: false, error: outcome.error };
    },
  };
}

async function overview(deps: PopupHandlerDeps): Promise<Overview> {
  const settings = await deps.settings();
  const portals = [
    ...settings.portalOrigins.map((origin) => ({ origin, kind: 'portal' as const })),
    ...settings.ssoLoginOrigins.map((origin) => ({ origin, kind: 'sso' as const })),
  ].map((entry) => ({ ...entry, rpId: new URL(entry.origin).hostname, registered: null as boolean | null }));
  const base: Overview = {
    extensionVersion: deps.extensionVersion,
    connection: deps.daemon.state,
    portals,
    pairingPreauthorized: settings.pairingPreauthorized,
    managedKeys: settings.managedKeys,
  };
  // While the user is asked to approve the pairing, do not queue more requests behind it.
  if (deps.daemon.state === 'pairing') return base;

  const status = await withDeadline(deps.daemon.request('status', {}), deps.overviewWaitMs ?? 6_000);
  // Known once the native host named it (decision 0041), i.e. after the request above connected.
  if (deps.daemon.port !== undefined) base.daemonPort = deps.daemon.port;
  if (!status?.ok) {
    const problem = status?.error ?? deps.daemon.problem;
    return { ...base, connection: deps.daemon.state, ...(problem ? { problem } : {}) };
  }
  const [daemonSettings, ...registrations] = await Promise.all([
    deps.daemon.request('settings.get', {}),
    ...portals.map((portal) => deps.daemon.request('status', { rpId: portal.rpId })),
  ]);
  return {
    ...base,
    connection: deps.daemon.state,
    device: status.result.device,
    eligibility: status.result.eligibility,
    ...(daemonSettings.ok ? { daemonSettings: daemonSettings.result } : {}),
    portals: portals.map((portal, i) => {
      const reg = registrations[i];
      const registered = reg?.ok ? reg.result.registered : null;
      return { ...portal, registered, ...(registered && deps.orphans?.has(portal.origin) ? { orphaned: true } : {}) };
    }),
  };
}

/** Resolves with the promise's value, or undefined once `ms` have passed. */
async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  const value = await Promise.race([promise, deadline]);
  clearTimeout(timer);
  return value;
}
