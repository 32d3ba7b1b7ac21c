/** Fetches and prints `keybound status`. A daemon that is not running is reported plainly (exit 3). */
import { KeyboundError } from '../../../shared/errors.js';
import { defaultDataDir } from '../../../shared/node/dataDir.js';
import { controlCall } from '../control/controlClient.js';
import { EXIT_NOT_RUNNING, formatObjectRows, printError } from './protectActions.js';

interface Status {
  daemon: Record<string, unknown>;
  device: {
    source?: string;
    eligible?: boolean;
    problem?: { code: string; message: string };
    profile?: unknown;
    error?: { code: string; message: string };
  };
  protect: { uv: string; pending: number };
  pairedExtensions: { extensionOrigin: string; browser: string; pairedAt: string; lastSeenAt: string | null }[];
  credentials: { id: string; rpId: string; userName: string; counter: number; lastUsedAt: string | null }[];
  totpAccounts: number;
  accountsError?: { code: string; message: string };
  pairingsError?: { code: string; message: string };
}

export async function runStatus(opts: { json?: boolean; dataDir?: string }): Promise<number> {
  const dataDir = opts.dataDir ?? defaultDataDir();
  let status: Status;
  try {
    status = (await controlCall(dataDir, { op: 'status' })) as Status;
  } catch (err) {
    if (err instanceof KeyboundError && err.code === 'ERR_DAEMON_UNAVAILABLE') {
      if (opts.json) process.stdout.write(`${JSON.stringify({ daemon: { running: false, dataDir } }, null, 2)}\n`);
      else process.stdout.write(`Daemon: not running (data dir ${dataDir}). Start it with \`keybound daemon\`.\n`);
      return EXIT_NOT_RUNNING;
    }
    return printError(err);
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (opts.json) {
    out(JSON.stringify(status, null, 2));
    return 0;
  }
  const d = status.daemon;
  out(`Daemon: running, version ${d.version}, ${d.url}, pid ${d.pid}, data dir ${d.dataDir}, since ${d.startedAt}`);
  out(`Protect: user verification ${status.protect.uv}, ${status.protect.pending} pending request(s)`);
  if (status.device.error) {
    out(`Device: unavailable — ${status.device.error.message} (${status.device.error.code})`);
  } else {
    out(
      `Device (${status.device.source}): ${status.device.eligible ? 'eligible for device sign-in' : `not eligible — ${status.device.problem?.message ?? 'unknown reason'}`}`,
    );
    process.stdout.write(formatObjectRows(status.device.profile, '  '));
  }
  if (status.pairingsError) out(`Paired extensions: unreadable — ${status.pairingsError.message}`);
  if (status.accountsError) out(`Accounts: unreadable — ${status.accountsError.message}`);
  out(`Paired extensions: ${status.pairedExtensions.length}`);
  for (const p of status.pairedExtensions)
    out(`  ${p.extensionOrigin}  ${p.browser}  paired ${p.pairedAt}  last seen ${p.lastSeenAt ?? 'never'}`);
  out(`Device sign-in credentials: ${status.credentials.length}`);
  for (const c of status.credentials)
    out(`  ${c.id}  ${c.rpId}  ${c.userName}  counter ${c.counter}  last used ${c.lastUsedAt ?? 'never'}`);
  out(`TOTP accounts: ${status.totpAccounts}`);
  return 0;
}
