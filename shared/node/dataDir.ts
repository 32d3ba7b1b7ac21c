/** Where Keybound keeps per-user state when no --data-dir / --db is given. */
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The per-user data folder: KEYBOUND_DATA_DIR if set; otherwise the OS's convention
 * (Linux: $XDG_DATA_HOME/keybound or ~/.local/share/keybound; macOS: ~/Library/Application
 * Support/Keybound; Windows: %LOCALAPPDATA%\Keybound).
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.KEYBOUND_DATA_DIR) return env.KEYBOUND_DATA_DIR;
  const home = env.HOME ?? homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Keybound');
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'Keybound');
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'keybound');
}
