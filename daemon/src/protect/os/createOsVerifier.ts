/**
 * The user verifier of `--device host`: the operating system asks the user, never a page the
 * daemon serves. Linux: polkit; macOS: LocalAuthentication; Windows: Windows Hello (the last two
 * COMPAT(untested: no macOS or Windows here)). Anywhere else every request is refused with
 * ERR_UV_UNAVAILABLE and a sentence saying so.
 */
import { ProtectError } from '../../../../shared/errors.js';
import type { Logger } from '../../../../shared/node/createLogger.js';
import type { AuditLog } from '../../authenticator/types.js';
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
}): OsVerifier {
  const { platform = process.platform, ...rest } = options;
  if (platform === 'linux') return new PolkitVerifier(rest);
  if (platform === 'darwin') return new HelperProcessVerifier(macLocalAuthSpec(), rest);
  if (platform === 'win32') return new HelperProcessVerifier(windowsHelloSpec(), rest);
  return {
    backend: 'none',
    verify: async () => {
      throw new ProtectError(
        'ERR_UV_UNAVAILABLE',
        `Keybound cannot verify users through the operating system on ${platform}. Run the daemon on Linux (polkit), macOS or Windows.`,
      );
    },
  };
}
