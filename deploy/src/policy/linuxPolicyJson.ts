/** The policy as a Linux managed-policy file (`/etc/…/policies/managed/keybound.json`). */
import type { ExtensionPolicy } from './buildExtensionPolicy.js';

export function linuxPolicyJson(policy: ExtensionPolicy): string {
  return `${JSON.stringify(policy, null, 2)}\n`;
}
