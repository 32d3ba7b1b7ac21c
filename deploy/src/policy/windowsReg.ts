/**
 * The policy as a Windows registry file (`reg import`, or the same values by GPO/Intune; with the
 * browser's ADMX templates these are "Configure the list of force-installed apps and
 * extensions" and "Extension management settings"). `ExtensionSettings` is a JSON string value;
 * the extension's managed storage lives under `3rdparty\extensions\<id>\policy`, where lists are
 * subkeys with numbered values and integers and booleans are DWORDs.
 */

import { POLICY_BROWSERS, type PolicyBrowser } from './browsers.js';
import type { ExtensionPolicy } from './buildExtensionPolicy.js';

export function windowsReg(policy: ExtensionPolicy, options: { browser: PolicyBrowser }): string {
  const root = `HKEY_LOCAL_MACHINE\\${POLICY_BROWSERS[options.browser].windowsKey}`;
  const lines = ['Windows Registry Editor Version 5.00', ''];
  lines.push(`[${root}]`, `"ExtensionSettings"=${regString(JSON.stringify(policy.ExtensionSettings))}`, '');
  lines.push(`[${root}\\ExtensionInstallForcelist]`);
  lines.push(...numbered(policy.ExtensionInstallForcelist));
  lines.push('');
  for (const [id, managed] of Object.entries(policy['3rdparty'].extensions)) {
    const key = `${root}\\3rdparty\\extensions\\${id}\\policy`;
    const lists: [string, string[]][] = [];
    lines.push(`[${key}]`);
    for (const [name, value] of Object.entries(managed)) {
      if (Array.isArray(value)) lists.push([name, value]);
      else if (typeof value === 'string') lines.push(`"${name}"=${regString(value)}`);
      else lines.push(`"${name}"=dword:${Number(value).toString(16).padStart(8, '0')}`);
    }
    lines.push('');
    for (const [name, values] of lists) {
      lines.push(`[${key}\\${name}]`);
      lines.push(...numbered(values));
      lines.push('');
    }
  }
  // .reg files are read as UTF-16 or ANSI by reg.exe; CRLF line ends.
  return lines.join('\r\n');
}

/** A list policy: values named "1", "2", … */
function numbered(values: string[]): string[] {
  return values.map((v, i) => `"${i + 1}"=${regString(v)}`);
}

function regString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
