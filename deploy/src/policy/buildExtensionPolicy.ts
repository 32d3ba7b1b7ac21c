/**
 * The machine policy that force-installs Keybound from a self-hosted update URL and configures
 * it: `ExtensionInstallForcelist` (`<id>;<update URL>`, the long-standing form every version
 * reads), `ExtensionSettings` (the newer per-extension form; also pins the toolbar button) and
 * the extension's managed storage under `3rdparty.extensions.<id>`. Managed values are checked
 * with the extension's own parser, so a policy IT generates is one the extension accepts.
 */

import {
  type ManagedKey,
  type ManagedSettings,
  managedFields,
} from '../../../extension/src/settings/settingsSchema.js';
import { DeployError } from '../../../shared/errors.js';

export interface ExtensionPolicy {
  ExtensionInstallForcelist: string[];
  ExtensionSettings: Record<string, { installation_mode: 'force_installed'; update_url: string; toolbar_pin: string }>;
  '3rdparty': { extensions: Record<string, ManagedSettings> };
}

const EXTENSION_ID = /^[a-p]{32}$/;

export function buildExtensionPolicy(options: {
  extensionId: string;
  updateUrl: string;
  managed: ManagedSettings;
}): ExtensionPolicy {
  if (!EXTENSION_ID.test(options.extensionId)) {
    throw new DeployError('ERR_BAD_EXTENSION_ID', `"${options.extensionId}" is not an extension id (32 letters a–p)`);
  }
  const managed: ManagedSettings = {};
  for (const key of Object.keys(options.managed) as ManagedKey[]) {
    const value = options.managed[key];
    if (value === undefined) continue;
    const parsed = managedFields[key]?.safeParse(value);
    if (!parsed?.success) {
      throw new DeployError('ERR_BAD_POLICY_VALUE', `Invalid managed value for ${key}: ${JSON.stringify(value)}`);
    }
    (managed as Record<string, unknown>)[key] = parsed.data;
  }
  return {
    ExtensionInstallForcelist: [`${options.extensionId};${options.updateUrl}`],
    ExtensionSettings: {
      [options.extensionId]: {
        installation_mode: 'force_installed',
        update_url: options.updateUrl,
        toolbar_pin: 'force_pinned',
      },
    },
    '3rdparty': { extensions: { [options.extensionId]: managed } },
  };
}
