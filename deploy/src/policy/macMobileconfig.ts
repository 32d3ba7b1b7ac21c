/**
 * The policy as a macOS configuration profile for MDM: one payload in the browser's preference
 * domain (force-install) and one in `<domain>.extensions.<id>` (the extension's managed storage,
 * which is how Chrome on macOS carries `3rdparty`). Payload UUIDs are derived from the content's
 * names, so regenerating gives the same profile and MDM sees an update, not a second profile.
 */
import { createHash } from 'node:crypto';
import { POLICY_BROWSERS, type PolicyBrowser } from './browsers.js';
import type { ExtensionPolicy } from './buildExtensionPolicy.js';

type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

export function macMobileconfig(
  policy: ExtensionPolicy,
  options: { browser: PolicyBrowser; organisation: string },
): string {
  const domain = POLICY_BROWSERS[options.browser].macDomain;
  const [extensionId, managed] = Object.entries(policy['3rdparty'].extensions)[0] ?? [];
  const base = `com.keybound.policy.${options.browser}`;
  const content: PlistValue[] = [
    {
      PayloadType: domain,
      PayloadIdentifier: `${base}.install`,
      PayloadUUID: stableUuid(`${base}.install`),
      PayloadVersion: 1,
      ExtensionInstallForcelist: policy.ExtensionInstallForcelist,
      ExtensionSettings: policy.ExtensionSettings,
    },
  ];
  if (extensionId && managed) {
    content.push({
      PayloadType: `${domain}.extensions.${extensionId}`,
      PayloadIdentifier: `${base}.config`,
      PayloadUUID: stableUuid(`${base}.config.${extensionId}`),
      PayloadVersion: 1,
      ...(managed as Record<string, PlistValue>),
    });
  }
  const profile: PlistValue = {
    PayloadDisplayName: `Keybound for ${POLICY_BROWSERS[options.browser].name}`,
    PayloadOrganization: options.organisation,
    PayloadIdentifier: base,
    PayloadType: 'Configuration',
    PayloadUUID: stableUuid(base),
    PayloadVersion: 1,
    PayloadScope: 'System',
    PayloadContent: content,
  };
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
${plist(profile, '')}
</plist>
`;
}

function plist(value: PlistValue, indent: string): string {
  const inner = `${indent}  `;
  if (typeof value === 'string') return `${indent}<string>${escapeXml(value)}</string>`;
  if (typeof value === 'boolean') return `${indent}<${value}/>`;
  if (typeof value === 'number') return `${indent}<integer>${Math.trunc(value)}</integer>`;
  if (Array.isArray(value))
    return `${indent}<array>\n${value.map((v) => `${plist(v, inner)}\n`).join('')}${indent}</array>`;
  const entries = Object.entries(value)
    .map(([k, v]) => `${inner}<key>${escapeXml(k)}</key>\n${plist(v, inner)}\n`)
    .join('');
  return `${indent}<dict>\n${entries}${indent}</dict>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function stableUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-A${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
