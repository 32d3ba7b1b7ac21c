/**
 * The user verifier of `--device host`: the operating system asks the user, never a page the
 * daemon serves. Linux: polkit; macOS: LocalAuthentication; Windows: Windows Hello (the last two
 * COMPAT(untested: no macOS or Windows here)). Anywhere else every request is refused with
 * ERR_UV_UNAVAILABLE and a sentence saying so.
 *
 * A daemon running as root gets no OS verifier on Linux: polkit authorises uid 0 for every action
 * without asking (checked against polkitd 122), so "verified" would mean nothing. The daemon is
 * per user; run it as the user.
 */
import { ProtectError } from '../../../../shared/errors.js';
import type { Logger } from '../../../../shared/node/createLogger.js';
import type { AuditLog } from '../../audit/AuditLog.js';
import type { UserVerifier } from '../UserVerifier.js';
import { HelperProcessVerifier } from './HelperProcessVerifier.js';
import { macLocalAuthSpec } from './macLocalAuthSpec.js';
import { PolkitVerifier } from './PolkitVerifier.js';
import { windowsHelloSpec } from './windowsHelloSpec.js';

export interface OsVerifier extends UserVerifier {
  /** `polkit`, `localauthentication`, `windows-hello` or `none`. */
  readonly backend: string;
}

export function createOsVerifier(options: {
  logger: Logger;
  audit?: AuditLog;
  timeoutMs?: number;
  platform?: NodeJS.Platform;
  /** The daemon's uid (default: this process's). */
  uid?: number;
}): OsVerifier {
  const { platform = process.platform, uid = process.getuid?.(), ...rest } = options;
  if (platform === 'linux' && uid === 0) {
    return refusing(
      rest.logger,
      'none (root)',
      'The Keybound daemon runs as root, and polkit approves root without asking, so it cannot verify you. Run the daemon as your own user (docs/deploy).',
    );
  }
  if (platform === 'linux') return new PolkitVerifier(rest);
  if (platform === 'darwin') return new HelperProcessVerifier(macLocalAuthSpec(), rest);
  if (platform === 'win32') return new HelperProcessVerifier(windowsHelloSpec(), rest);
  return refusing(
    rest.logger,
    'none',
    `Keybound cannot verify users through the operating system on ${platform}. Run the daemon on Linux (polkit), macOS or Windows.`,
  );
}

/** Refuses every request, and says so once at start. */
function refusing(logger: Logger, backend: string, sentence: string): OsVerifier {
  logger.warn({ event: 'uv.unavailable', code: 'ERR_UV_UNAVAILABLE' }, sentence);
  return {
    backend,
    verify: async () => {
      throw new ProtectError('ERR_UV_UNAVAILABLE', sentence);
    },
  };
}
