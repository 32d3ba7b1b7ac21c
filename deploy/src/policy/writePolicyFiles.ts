/**
 * Writes the policy for every supported browser and OS into one folder: `keybound-policy.json`
 * (Linux; the same file for each browser's policy folder), `keybound-<browser>.mobileconfig`
 * (macOS) and `keybound-<browser>.reg` (Windows). Returns the files written.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { POLICY_BROWSERS, type PolicyBrowser } from './browsers.js';
import type { ExtensionPolicy } from './buildExtensionPolicy.js';
import { linuxPolicyJson } from './linuxPolicyJson.js';
import { macMobileconfig } from './macMobileconfig.js';
import { windowsReg } from './windowsReg.js';

export async function writePolicyFiles(
  outDir: string,
  policy: ExtensionPolicy,
  options: { organisation: string },
): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const files: [string, string][] = [['keybound-policy.json', linuxPolicyJson(policy)]];
  for (const browser of Object.keys(POLICY_BROWSERS) as PolicyBrowser[]) {
    files.push([`keybound-${browser}.mobileconfig`, macMobileconfig(policy, { browser, ...options })]);
    files.push([`keybound-${browser}.reg`, windowsReg(policy, { browser })]);
  }
  const written: string[] = [];
  for (const [name, text] of files) {
    const path = join(outDir, name);
    await writeFile(path, text, { mode: 0o644 });
    written.push(path);
  }
  return written;
}
