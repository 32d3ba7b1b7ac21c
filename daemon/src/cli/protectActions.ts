/**
 * Runs one `keybound protect …` operation against the daemon and prints the answer: plain lines
 * for people, `--json` for scripts. Errors print `keybound: <message>` and exit 1; a daemon that
 * is not running exits 3 with how to start it.
 */
import { KeyboundError } from '../../../shared/errors.js';
import { defaultDataDir } from '../../../shared/node/dataDir.js';
import { controlCall } from '../control/controlClient.js';
import type { ControlRequest } from '../control/controlProtocol.js';
import { formatRows } from './describeDevice.js';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
export type ProtectAction = WithoutId<ControlRequest>;

/** Exit code when the daemon is not running (like `systemctl status`). */
export const EXIT_NOT_RUNNING = 3;

export async function runProtectAction(
  action: ProtectAction,
  opts: { dataDir?: string; json?: boolean },
): Promise<number> {
  let result: unknown;
  try {
    result = await controlCall(opts.dataDir ?? defaultDataDir(), action);
  } catch (err) {
    return printError(err);
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (opts.json) {
    out(JSON.stringify(result, null, 2));
    return 0;
  }
  switch (action.op) {
    case 'protect.pending': {
      const pending = (result as { pending: Record<string, string>[] }).pending;
      if (pending.length === 0) out('No pending requests.');
      for (const p of pending)
        out(`${p.id}  ${p.action}  ${p.origin}  ${p.userName ?? ''}  ${p.browser}  expires ${p.expiresAt}`);
      break;
    }
    case 'protect.approve':
      out(`Approved ${action.protectId}.`);
      break;
    case 'protect.deny':
      out(`Denied ${action.protectId}.`);
      break;
    case 'accounts.list': {
      const accounts = (result as { accounts: Record<string, unknown>[] }).accounts;
      if (accounts.length === 0) out('No accounts.');
      for (const a of accounts) {
        out(
          a.kind === 'totp'
            ? `${a.id}  totp  ${a.issuer}  ${a.label}`
            : `${a.id}  device sign-in  ${a.rpId}  ${a.userName}  counter ${a.counter}  last used ${a.lastUsedAt ?? 'never'}`,
        );
      }
      break;
    }
    case 'accounts.delete':
      out(`Deleted ${action.accountId}. Register again from the portal to use device sign-in there.`);
      break;
    case 'totp.code': {
      const r = result as { code?: string; expiresAt?: string };
      out(r.expiresAt ? `${r.code}  (valid until ${r.expiresAt})` : String(r.code));
      break;
    }
    case 'accounts.show':
      process.stdout.write(formatObjectRows((result as { account: unknown }).account));
      break;
    case 'totp.add': {
      const a = result as { id: string; issuer?: string; label?: string };
      out(`Added TOTP account ${a.id}  ${a.issuer ?? ''}  ${a.label ?? ''}`.trimEnd());
      break;
    }
    case 'settings.deviceSignIn':
      out(
        action.on
          ? 'Device sign-in on.'
          : 'Device sign-in off: the portal falls back to email, password and MFA. Turn it on again with `keybound protect settings device-signin on`.',
      );
      break;
    case 'settings.notifications':
      out(`Protect notifications ${action.on ? 'on' : 'off'}.`);
      break;
    case 'protect.install':
      out(
        action.source === 'managed'
          ? 'Protect installed (deployed by your organisation). Open it once: `keybound device open-protect`.'
          : 'Protect installed (personal copy). Open it once: `keybound device open-protect`.',
      );
      break;
    case 'protect.uninstall': {
      const r = result as { deletedCredentials: number; deletedTotp: number };
      out(
        `Protect uninstalled: ${r.deletedCredentials} device sign-in credential(s) and ${r.deletedTotp} TOTP account(s) deleted.`,
      );
      break;
    }
    case 'status':
      process.stdout.write(formatObjectRows(result));
      break;
  }
  return 0;
}

/** A nested object as aligned `dotted.path  value` rows (the CLI's one human format). */
export function formatObjectRows(value: unknown, indent = ''): string {
  const rows: [string, string][] = [];
  const walk = (v: unknown, path: string) => {
    if (v !== null && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) walk(child, path ? `${path}.${key}` : key);
    } else rows.push([`${indent}${path}`, v === true ? 'yes' : v === false ? 'no' : String(v)]);
  };
  walk(value, '');
  return formatRows(rows);
}

/** Prints a CLI error; returns the exit code. */
export function printError(err: unknown): number {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`keybound: ${message}\n`);
  return err instanceof KeyboundError && err.code === 'ERR_DAEMON_UNAVAILABLE' ? EXIT_NOT_RUNNING : 1;
}
