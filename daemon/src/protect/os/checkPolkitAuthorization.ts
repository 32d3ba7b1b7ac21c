/**
 * One call of polkit's `org.freedesktop.PolicyKit1.Authority.CheckAuthorization` over the system
 * D-Bus (dbus-next, in process: the details never appear on a command line other users can read;
 * see docs/decisions/0045-polkit-over-dbus-next.md). Never throws: every outcome is a result.
 *
 * Aborting `signal` sends `CancelCheckAuthorization` for this call and then drops the connection;
 * polkitd also cancels every authentication it started for a caller that leaves the bus, so the
 * prompt closes even if the cancel message is lost.
 */
import { randomBytes } from 'node:crypto';
import type DBus from 'dbus-next';
import type { ProcessSubject } from './processSubject.js';

type Dbus = typeof DBus;
/** Loaded on first use: only a host-mode daemon on Linux needs D-Bus (docs/performance.md). */
let loaded: Promise<Dbus> | undefined;
const loadDbus = () => {
  loaded ??= import('dbus-next').then((m) => (m as unknown as { default?: Dbus }).default ?? (m as unknown as Dbus));
  return loaded;
};

export const POLKIT_BUS_NAME = 'org.freedesktop.PolicyKit1';
const AUTHORITY_PATH = '/org/freedesktop/PolicyKit1/Authority';
const AUTHORITY_IFACE = 'org.freedesktop.PolicyKit1.Authority';
/** CheckAuthorizationFlags.AllowUserInteraction */
const ALLOW_USER_INTERACTION = 1;
/**
 * The D-Bus specification's system bus. DBUS_SYSTEM_BUS_ADDRESS is deliberately not read: a
 * process that can set the daemon's environment could otherwise point it at a bus of its own
 * with a "polkit" that says yes. (Such a process can do worse through NODE_OPTIONS; this is
 * defence in depth, and tests pass their bus explicitly.)
 */
const SYSTEM_BUS = 'unix:path=/var/run/dbus/system_bus_socket';
/** How long a cancel may take before the connection is dropped anyway (which cancels too). */
const CANCEL_GRACE_MS = 2_000;

export type PolkitCheckResult =
  /** polkit answered: `challenge` = authentication would be possible but no agent could ask. */
  | { kind: 'answer'; authorized: boolean; challenge: boolean; dismissed: boolean }
  /** No system bus to talk to. */
  | { kind: 'no-bus'; reason: string }
  /** The bus is there, polkitd is not. */
  | { kind: 'no-polkit'; reason: string }
  /** polkitd refused the call (`name` is the D-Bus error name). */
  | { kind: 'error'; name: string; text: string }
  | { kind: 'cancelled' };

export interface PolkitCheck {
  actionId: string;
  subject: ProcessSubject;
  /** Shown by the authentication agent; polkit only accepts them from the action's owners. */
  details: Record<string, string>;
  signal?: AbortSignal;
  /** Defaults to the standard system bus socket (never DBUS_SYSTEM_BUS_ADDRESS, see above). */
  busAddress?: string;
}

export async function checkPolkitAuthorization(check: PolkitCheck): Promise<PolkitCheckResult> {
  if (check.signal?.aborted) return { kind: 'cancelled' };
  const address = check.busAddress ?? SYSTEM_BUS;
  let dbus: Dbus;
  try {
    dbus = await loadDbus();
  } catch (err) {
    loaded = undefined;
    return { kind: 'no-bus', reason: `the dbus-next package cannot be loaded (${(err as Error).message})` };
  }
  let bus: DBus.MessageBus;
  try {
    // `sessionBus` is dbus-next's client for any address; the address here is the system bus's.
    bus = dbus.sessionBus({ busAddress: address });
  } catch (err) {
    return { kind: 'no-bus', reason: `bad system bus address (${(err as Error).message})` };
  }
  const cancellationId = `keybound-${randomBytes(12).toString('hex')}`;
  let onAbort: (() => void) | undefined;
  const connectionFailed = new Promise<PolkitCheckResult>((resolve) => {
    bus.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ kind: 'no-bus', reason: `cannot reach the system bus at ${address} (${err.code ?? err.message})` }),
    );
  });
  const aborted = new Promise<PolkitCheckResult>((resolve) => {
    onAbort = () => resolve({ kind: 'cancelled' });
    check.signal?.addEventListener('abort', onAbort, { once: true });
  });
  const call = bus
    .call(
      new dbus.Message({
        destination: POLKIT_BUS_NAME,
        path: AUTHORITY_PATH,
        interface: AUTHORITY_IFACE,
        member: 'CheckAuthorization',
        signature: '(sa{sv})sa{ss}us',
        body: [
          [
            'unix-process',
            {
              pid: new dbus.Variant('u', check.subject.pid),
              'start-time': new dbus.Variant('t', check.subject.startTime),
              uid: new dbus.Variant('i', check.subject.uid),
            },
          ],
          check.actionId,
          check.details,
          ALLOW_USER_INTERACTION,
          cancellationId,
        ],
      }),
    )
    .then(readAnswer, (err: unknown) => readError(dbus, err));
  const result = await Promise.race([call, connectionFailed, aborted]);
  if (onAbort) check.signal?.removeEventListener('abort', onAbort);
  if (result.kind === 'cancelled') {
    cancelThenDisconnect(dbus, bus, cancellationId);
  } else {
    bus.disconnect();
  }
  return result;
}

function readAnswer(reply: DBus.Message | null): PolkitCheckResult {
  const [authorized, challenge, details] = (reply?.body?.[0] ?? []) as [unknown, unknown, unknown];
  if (typeof authorized !== 'boolean' || typeof challenge !== 'boolean') {
    return { kind: 'error', name: 'keybound.UnexpectedReply', text: 'polkit answered in an unexpected shape' };
  }
  const dismissed = (details as Record<string, string> | undefined)?.['polkit.dismissed'] === 'true';
  return { kind: 'answer', authorized, challenge, dismissed };
}

function readError(dbus: Dbus, err: unknown): PolkitCheckResult {
  if (err instanceof dbus.DBusError) {
    if (
      err.type === 'org.freedesktop.DBus.Error.ServiceUnknown' ||
      err.type === 'org.freedesktop.DBus.Error.NameHasNoOwner'
    ) {
      return { kind: 'no-polkit', reason: err.text };
    }
    if (err.type === 'org.freedesktop.PolicyKit1.Error.Cancelled') return { kind: 'cancelled' };
    return { kind: 'error', name: err.type, text: err.text };
  }
  return { kind: 'no-bus', reason: (err as Error)?.message ?? String(err) };
}

function cancelThenDisconnect(dbus: Dbus, bus: DBus.MessageBus, cancellationId: string): void {
  const drop = setTimeout(() => bus.disconnect(), CANCEL_GRACE_MS);
  drop.unref();
  bus
    .call(
      new dbus.Message({
        destination: POLKIT_BUS_NAME,
        path: AUTHORITY_PATH,
        interface: AUTHORITY_IFACE,
        member: 'CancelCheckAuthorization',
        signature: 's',
        body: [cancellationId],
      }),
    )
    .catch(() => undefined)
    .finally(() => {
      clearTimeout(drop);
      bus.disconnect();
    });
}
