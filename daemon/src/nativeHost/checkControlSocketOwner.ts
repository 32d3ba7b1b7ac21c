/**
 * Before the native host hands a pairing secret onwards, it makes sure the control socket it is
 * about to use belongs to this OS user: the data dir and the socket are owned by our uid and
 * closed to group and others. A socket planted by another account (a shared or mistyped data dir)
 * is refused. Node offers no SO_PEERCRED, so ownership and modes are the check (decision 0040).
 */
import { lstat } from 'node:fs/promises';
import { ChannelError } from '../../../shared/errors.js';
import { controlSocketPath } from '../control/controlProtocol.js';

export async function checkControlSocketOwner(dataDir: string): Promise<void> {
  // COMPAT(untested: no Windows here) — a named pipe's DACL defaults to the owner, SYSTEM and admins.
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return;
  const uid = process.getuid();
  for (const [path, what] of [
    [dataDir, 'data folder'],
    [controlSocketPath(dataDir), 'control socket'],
  ] as const) {
    let stat: Awaited<ReturnType<typeof lstat>>;
    try {
      stat = await lstat(path);
    } catch {
      throw new ChannelError(
        'ERR_DAEMON_UNAVAILABLE',
        // No local path: this sentence reaches the extension and the page (a page must not learn
        // the user's home directory); `keybound doctor` names the files.
        `The Keybound daemon is not running for this user (no ${what}). Start it (keybound daemon, or its service), then try again.`,
      );
    }
    if (stat.uid !== uid || (stat.mode & 0o077) !== 0) {
      throw new ChannelError(
        'ERR_CONTROL_SOCKET_UNSAFE',
        `The daemon's ${what} belongs to another user or is open to others (owner ${stat.uid}, mode ${(stat.mode & 0o777).toString(8)}); refusing to use it. Run keybound doctor to see which file.`,
      );
    }
  }
}
