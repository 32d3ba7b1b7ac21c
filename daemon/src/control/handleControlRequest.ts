/**
 * The control operations behind `keybound protect|status`, one table from op to handler. Protect
 * decisions go to the Protect queue; accounts and settings to the authenticator; Protect's local
 * state to the device side.
 */
import { KeyboundError, toWireError } from '../../../shared/errors.js';
import type { DeviceSide } from '../DeviceSide.js';
import { issueNativePairing } from '../pairing/issueNativePairing.js';
import type { ExtensionPolicy } from '../pairing/loadDaemonConfig.js';
import type { ProtectEventSink } from '../protect/ProtectEventSink.js';
import type { ProtectQueue } from '../protect/ProtectQueue.js';
import type { ControlOp, ControlRequest } from './controlProtocol.js';

export interface ControlDeps {
  queue: ProtectQueue;
  /** Opened in the background at start: the operations that need it wait for it. */
  side: Promise<DeviceSide>;
  policy: ExtensionPolicy;
  daemon: () => {
    version: string;
    pid: number;
    url: string;
    port: number;
    dataDir: string;
    uv: string;
    startedAt: string;
  };
}

/** One control connection: closed → `signal` aborts; `emit` writes an event line before the answer. */
export interface ControlContext {
  signal: AbortSignal;
  emit: (event: { event: 'protect.request'; url: string }) => void;
}

type Handlers = {
  [K in ControlOp]: (
    req: Extract<ControlRequest, { op: K }>,
    deps: ControlDeps,
    ctx: ControlContext,
  ) => Promise<unknown>;
};

const notPending = (id: string) =>
  new KeyboundError(
    'ERR_NOT_FOUND',
    `No pending Protect request "${id}". Run \`keybound protect pending\` to list them.`,
  );

const handlers: Handlers = {
  status: async (_req, deps) => {
    // Each part is reported on its own: a device side that cannot open (e.g. a data dir copied
    // from another machine) still leaves the daemon's own status and the reason visible.
    const [device, accounts, pairings] = await Promise.allSettled([
      deps.side.then((side) => side.device.status()),
      deps.side.then((side) => side.authenticator.listAccounts()),
      deps.side.then((side) => side.pairings.list()),
    ]);
    const list = accounts.status === 'fulfilled' ? accounts.value.accounts : [];
    return {
      daemon: { running: true, ...deps.daemon() },
      device: device.status === 'fulfilled' ? device.value : { error: toWireError(device.reason) },
      protect: { uv: deps.queue.mode, pending: deps.queue.pending().length },
      pairedExtensions:
        pairings.status === 'fulfilled'
          ? pairings.value.map((p) => ({
              extensionOrigin: p.extensionOrigin,
              browser: p.browser,
              pairedAt: p.pairedAt,
              lastSeenAt: p.lastSeenAt,
            }))
          : [],
      credentials: list.filter((a) => a.kind === 'device-signin'),
      totpAccounts: list.filter((a) => a.kind === 'totp').length,
      ...(accounts.status === 'rejected' ? { accountsError: toWireError(accounts.reason) } : {}),
      ...(pairings.status === 'rejected' ? { pairingsError: toWireError(pairings.reason) } : {}),
    };
  },
  'protect.pending': async (_req, deps) => ({ pending: deps.queue.pending() }),
  'protect.approve': async (req, deps) => {
    if (!deps.queue.decide(req.protectId, 'approve')) throw notPending(req.protectId);
    return { approved: true };
  },
  'protect.deny': async (req, deps) => {
    if (!deps.queue.decide(req.protectId, 'deny')) throw notPending(req.protectId);
    return { denied: true };
  },
  'accounts.list': async (_req, deps) => (await deps.side).authenticator.listAccounts(),
  'accounts.show': async (req, deps) => (await deps.side).authenticator.showAccount(req.accountId),
  'accounts.delete': async (req, deps) => (await deps.side).authenticator.deleteAccount(req.accountId),
  'settings.deviceSignIn': async (req, deps) => (await deps.side).authenticator.setSettings({ deviceSignIn: req.on }),
  'settings.notifications': async (req, deps) => (await deps.side).device.setNotifications(req.on),
  'protect.install': async (req, deps) => (await deps.side).device.installProtect(req.source),
  'protect.uninstall': async (_req, deps) => (await deps.side).device.uninstallProtect(),
  'totp.add': async (req, deps) => (await deps.side).device.addTotp(req.uri),
  'totp.code': async (req, deps) => (await deps.side).device.totpCode(req.accountId),
  'native.discover': async (req, deps) => {
    const { pairings } = await deps.side;
    const record = req.installId === undefined ? undefined : await pairings.get(req.installId);
    const { port, version } = deps.daemon();
    return { port, daemonVersion: version, paired: record?.extensionOrigin === req.extensionOrigin };
  },
  'native.pair': async (req, deps, ctx) => {
    // The approval URL of this pairing's Protect prompt goes back to this host, and only to it.
    const events: ProtectEventSink = {
      extensionOrigin: req.extensionOrigin,
      send: (event) => {
        if (event.event !== 'protect.request') return;
        const url = deps.queue.approvalUrl(event.protectId, req.extensionOrigin);
        if (url) ctx.emit({ event: 'protect.request', url });
      },
    };
    const { pairings } = await deps.side;
    return issueNativePairing(
      { extensionOrigin: req.extensionOrigin, installId: req.installId, signal: ctx.signal, events },
      { policy: deps.policy, store: pairings, verifier: deps.queue, port: () => deps.daemon().port },
    );
  },
  'protect.url': async (req, deps) => {
    const url = deps.queue.approvalUrl(req.protectId, req.extensionOrigin);
    if (!url) throw notPending(req.protectId);
    return { url };
  },
};

/** Runs one parsed control request; throws a KeyboundError on refusal. */
export function handleControlRequest(req: ControlRequest, deps: ControlDeps, ctx: ControlContext): Promise<unknown> {
  const handler = handlers[req.op] as (r: ControlRequest, d: ControlDeps, c: ControlContext) => Promise<unknown>;
  return handler(req, deps, ctx);
}
