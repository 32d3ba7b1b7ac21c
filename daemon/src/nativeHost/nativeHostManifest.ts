/**
 * The native-messaging host manifest Chrome-family browsers read (developer.chrome.com, "Native
 * messaging": name, description, path, type "stdio", allowed_origins). `path` must be absolute on
 * Linux and macOS; it points at a small launcher that runs `keybound native-host`.
 */
import { NATIVE_HOST_NAME, nativeHostAllowedOrigins } from '../../../shared/extensionIdentity.js';

export interface NativeHostManifest {
  name: string;
  description: string;
  path: string;
  type: 'stdio';
  allowed_origins: string[];
}

/** The manifest for a launcher at `launcherPath`, callable by `extensionIds` (default: Keybound's). */
export function nativeHostManifest(launcherPath: string, extensionIds?: readonly string[]): NativeHostManifest {
  return {
    name: NATIVE_HOST_NAME,
    description: 'Keybound: pairs the Keybound extension with this user’s daemon',
    path: launcherPath,
    type: 'stdio',
    allowed_origins: nativeHostAllowedOrigins(extensionIds),
  };
}
